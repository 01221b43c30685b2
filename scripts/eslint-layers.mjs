// The lint rule behind DESIGN.md's layer table: every import, export-from, dynamic import and
// require of a file in a layer is resolved and must land in the same layer or one the table allows
// (`electron` counts as a layer of its own). The table itself is in eslint.config.js.
import { dirname, join, normalize, relative, sep } from 'node:path';

/** The layer of a repository path: the longest layer folder containing it, else its top-level name. */
function layerOf(path, layers) {
  const match = layers
    .filter((layer) => path === layer || path.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];
  return match ?? path.split('/')[0];
}

function targetOf(specifier, file, root, layers) {
  if (specifier === 'electron' || specifier.startsWith('electron/')) return 'electron';
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined; // node: and npm packages
  const path = relative(root, normalize(join(dirname(file), specifier)))
    .split(sep)
    .join('/');
  return layerOf(path, layers);
}

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow DESIGN.md's layer table" },
    schema: [{ type: 'object', properties: { layers: { type: 'object' }, files: { type: 'object' } } }],
    messages: {
      forbidden: '{{from}} may not import {{to}} ("{{specifier}}"); it may import {{allowed}} (DESIGN.md, Layout).',
    },
  },
  create(context) {
    const { layers: table, files: fileExceptions = {} } = context.options[0];
    const root = context.cwd;
    const layers = Object.keys(table);
    const file = relative(root, context.filename).split(sep).join('/');
    const from = layers.find((layer) => file.startsWith(`${layer}/`)) && layerOf(file, layers);
    if (!from) return {};
    const allowed = [...table[from], ...(fileExceptions[file] ?? [])];
    const check = (node, source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const to = targetOf(source.value, context.filename, root, layers);
      if (to === undefined || to === from || allowed.includes(to)) return;
      context.report({
        node,
        messageId: 'forbidden',
        data: { from, to, specifier: source.value, allowed: allowed.join(', ') || 'nothing outside itself' },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

export const layersPlugin = { rules: { imports: importsRule } };
