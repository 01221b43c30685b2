// `npm run check:security`: a static check of main/ and renderer/ for the Electron anti-patterns of
// Electron's security checklist. It walks each file's syntax tree with the TypeScript compiler API
// (a checker resolves constants across files, so `loadURL(START)` is judged by what START holds)
// and reports:
//   insecure-web-preference  nodeIntegration*, allowRunningInsecureContent, enableRemoteModule,
//                            experimentalFeatures, webviewTag that may be true; contextIsolation,
//                            sandbox, webSecurity that may be false; any enableBlinkFeatures
//   remote-module            @electron/remote, or electron's old `remote`
//   unchecked-open-external  shell.openExternal(x) where x has not passed the project's allow-list
//                            check (isAllowedExternalUrl from main/app/security.ts) on that path
//   remote-content           loadURL of anything but the app's own app:// page; a remote <script>
//                            or <iframe> in an HTML file
//   webview                  a <webview> element (JSX, HTML or createElement)
//   string-eval              eval, new Function / Function, setTimeout/setInterval with a string
//   insecure-switch          a Chromium switch that turns a protection off (no-sandbox...)
// A value the check cannot resolve counts against it where it could be unsafe (a preference that
// may be true), and is left alone where only a literal proves harm (a loadURL of an unknown URL).
//
//   node scripts/electron-antipatterns.mjs [--root DIR]   (exit 0: none found, 1: findings)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCANNED_FOLDERS = ['main', 'renderer'];
/** The project's allow-list check for external links: the only way to vouch for openExternal's argument. */
export const URL_CHECK = { name: 'isAllowedExternalUrl', file: 'main/app/security.ts' };

const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
const SKIPPED_FOLDERS = new Set(['node_modules', 'out', 'dist']);

/** Each webPreferences key that matters, with the only value that is safe. */
const PREFERENCE_SAFE_VALUE = {
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  allowRunningInsecureContent: false,
  enableRemoteModule: false,
  experimentalFeatures: false,
  webviewTag: false,
  contextIsolation: true,
  sandbox: true,
  webSecurity: true,
};

const INSECURE_SWITCHES = new Set([
  'no-sandbox',
  'disable-web-security',
  'ignore-certificate-errors',
  'allow-running-insecure-content',
  'disable-site-isolation-trials',
  'remote-debugging-port',
]);

const STRING_TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'execScript']);
const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self', 'global']);

/**
 * @typedef {{ file: string; line: number; column: number; rule: string; message: string }} Finding
 * @param {{ root?: string; folders?: string[] }} [options]
 * @returns {{ files: number; findings: Finding[] }}
 */
export function findAntiPatterns({ root = ROOT, folders = SCANNED_FOLDERS } = {}) {
  const absoluteRoot = resolve(root);
  const files = folders.flatMap((folder) => listFiles(join(absoluteRoot, folder)));
  const sources = files.filter((file) => SOURCE_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts'));
  const pages = files.filter((file) => extname(file) === '.html');
  /** @type {Finding[]} */
  const findings = [];
  const report = (file, line, column, rule, message) =>
    findings.push({ file: relative(absoluteRoot, file).split(sep).join('/'), line, column, rule, message });

  const program = createProgram(sources);
  const checker = program.getTypeChecker();
  for (const file of sources) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) continue;
    new SourceScan(sourceFile, checker, absoluteRoot, (node, rule, message) => {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
      report(file, line + 1, character + 1, rule, message);
    }).run();
  }
  for (const file of pages) {
    const html = readFileSync(file, 'utf8');
    scanHtml(html, (index, rule, message) => report(file, ...lineAndColumn(html, index), rule, message));
  }

  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { files: sources.length + pages.length, findings };
}

function listFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

/** One program over the scanned files and what they import of each other; packages are left out (fast, and the same on every machine). */
function createProgram(files) {
  const options = {
    allowJs: true,
    checkJs: false,
    jsx: ts.JsxEmit.Preserve,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noLib: true,
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options, true);
  host.resolveModuleNames = (names, containingFile) =>
    names.map((name) => {
      const resolved = ts.resolveModuleName(name, containingFile, options, host).resolvedModule;
      return resolved &&
        !resolved.isExternalLibraryImport &&
        !resolved.resolvedFileName.includes(`${sep}node_modules${sep}`)
        ? resolved
        : undefined;
    });
  return ts.createProgram({ rootNames: files, options, host });
}

class SourceScan {
  /**
   * @param {ts.SourceFile} sourceFile
   * @param {ts.TypeChecker} checker
   * @param {string} root
   * @param {(node: ts.Node, rule: string, message: string) => void} report
   */
  constructor(sourceFile, checker, root, report) {
    this.sourceFile = sourceFile;
    this.checker = checker;
    this.root = root;
    this.report = report;
  }

  run() {
    const visit = (node) => {
      this.inspect(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
  }

  /** @param {ts.Node} node */
  inspect(node) {
    if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) {
      const value = ts.isPropertyAssignment(node) ? node.initializer : node.name;
      this.checkPreference(node.name, propertyName(node.name), value);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = node.left;
      if (ts.isPropertyAccessExpression(target)) this.checkPreference(target.name, target.name.text, node.right);
      else if (ts.isElementAccessExpression(target) && ts.isStringLiteralLike(target.argumentExpression)) {
        this.checkPreference(target.argumentExpression, target.argumentExpression.text, node.right);
      }
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      this.checkImport(node);
    } else if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'remote' &&
      isElectronModule(node.expression)
    ) {
      this.report(node, 'remote-module', "electron's remote module gives the page the main process's powers");
    } else if (ts.isCallExpression(node)) {
      this.checkCall(node);
    } else if (ts.isNewExpression(node) && calleeName(node.expression) === 'Function') {
      this.report(node, 'string-eval', 'new Function compiles a string into code');
    } else if (
      (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) &&
      node.tagName.getText(this.sourceFile).toLowerCase() === 'webview'
    ) {
      this.report(node, 'webview', '<webview> embeds remote content with its own privileges');
    }
  }

  checkPreference(at, name, value) {
    if (name === 'enableBlinkFeatures') {
      this.report(at, 'insecure-web-preference', 'enableBlinkFeatures turns on experimental Blink features');
      return;
    }
    if (name === undefined || !Object.hasOwn(PREFERENCE_SAFE_VALUE, name)) return;
    const safe = PREFERENCE_SAFE_VALUE[name];
    const values = this.possibleBooleans(value);
    if (values.has(!safe)) {
      const certain = values.size === 1;
      this.report(at, 'insecure-web-preference', `${name} ${certain ? 'is' : 'may be'} ${!safe} (must be ${safe})`);
    }
  }

  /** The boolean values an expression may have: from a literal, or from its type (any or boolean: both). */
  possibleBooleans(expression) {
    const node = unwrap(expression);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return new Set([true]);
    if (node.kind === ts.SyntaxKind.FalseKeyword) return new Set([false]);
    const type = this.checker.getTypeAtLocation(node);
    const values = new Set();
    for (const part of type.isUnion() ? type.types : [type]) {
      if (part.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Boolean)) return new Set([true, false]);
      if (part.flags & ts.TypeFlags.BooleanLiteral) values.add(part.intrinsicName === 'true');
    }
    return values;
  }

  checkImport(node) {
    const from = node.moduleSpecifier.text;
    if (from === '@electron/remote' || from.startsWith('@electron/remote/')) {
      this.report(node, 'remote-module', "@electron/remote gives the page the main process's powers");
    }
    const named = node.importClause?.namedBindings;
    if (from === 'electron' && named && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        if ((element.propertyName ?? element.name).text === 'remote')
          this.report(element, 'remote-module', "electron's remote module gives the page the main process's powers");
      }
    }
  }

  /** @param {ts.CallExpression} call */
  checkCall(call) {
    const name = calleeName(call.expression);
    const [first] = call.arguments;
    if (name === 'require' && first && ts.isStringLiteralLike(first) && first.text.startsWith('@electron/remote')) {
      this.report(call, 'remote-module', "@electron/remote gives the page the main process's powers");
    } else if (name === 'openExternal') {
      if (!first || !this.passedUrlCheck(call, first)) {
        this.report(
          call,
          'unchecked-open-external',
          `openExternal with input that has not passed ${URL_CHECK.name} (${URL_CHECK.file})`,
        );
      }
    } else if (name === 'loadURL' && first) {
      for (const prefix of this.urlPrefixes(first)) {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(prefix ?? '')?.[1]?.toLowerCase();
        if (scheme !== undefined && scheme !== 'app')
          this.report(
            call,
            'remote-content',
            `loadURL of ${prefix.slice(0, 80)}: only the app's own app:// page may load`,
          );
      }
    } else if (name === 'createElement' && first && this.staticString(first)?.toLowerCase() === 'webview') {
      this.report(call, 'webview', '<webview> embeds remote content with its own privileges');
    } else if (name === 'eval' && isGlobalCallee(call.expression)) {
      this.report(call, 'string-eval', 'eval runs a string as code');
    } else if (name === 'Function' && isGlobalCallee(call.expression)) {
      this.report(call, 'string-eval', 'Function compiles a string into code');
    } else if (
      name !== undefined &&
      STRING_TIMERS.has(name) &&
      first &&
      isGlobalCallee(call.expression) &&
      this.isString(first)
    ) {
      this.report(call, 'string-eval', `${name} with a string runs it as code`);
    } else if ((name === 'appendSwitch' || name === 'appendArgument') && first) {
      const value = this.staticString(first)?.replace(/^--/, '');
      if (value !== undefined && INSECURE_SWITCHES.has(value.split('=')[0]))
        this.report(call, 'insecure-switch', `the ${value} switch turns a Chromium protection off`);
    }
  }

  isString(expression) {
    if (ts.isStringLiteralLike(unwrap(expression)) || ts.isTemplateExpression(unwrap(expression))) return true;
    const type = this.checker.getTypeAtLocation(expression);
    return (type.flags & ts.TypeFlags.StringLike) !== 0;
  }

  /** The text a string expression always has, following constants across files; undefined when unknown. */
  staticString(expression, depth = 0) {
    const node = unwrap(expression);
    if (depth > 20) return undefined;
    if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node)) {
      let text = node.head.text;
      for (const span of node.templateSpans) {
        const part = this.staticString(span.expression, depth + 1);
        if (part === undefined) return undefined;
        text += part + span.literal.text;
      }
      return text;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.staticString(node.left, depth + 1);
      const right = left === undefined ? undefined : this.staticString(node.right, depth + 1);
      return right === undefined ? undefined : left + right;
    }
    const initializer = this.constantInitializer(node);
    if (initializer) return this.staticString(initializer, depth + 1);
    const type = this.checker.getTypeAtLocation(node);
    return type.isStringLiteral() ? type.value : undefined;
  }

  /** Where a URL expression may start: each branch of ?? || and ?:, as far as it is known. */
  urlPrefixes(expression, depth = 0) {
    const node = unwrap(expression);
    if (depth > 20) return [];
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)
    ) {
      return [...this.urlPrefixes(node.left, depth + 1), ...this.urlPrefixes(node.right, depth + 1)];
    }
    if (ts.isConditionalExpression(node))
      return [...this.urlPrefixes(node.whenTrue, depth + 1), ...this.urlPrefixes(node.whenFalse, depth + 1)];
    const whole = this.staticString(node);
    if (whole !== undefined) return [whole];
    if (ts.isTemplateExpression(node)) return [node.head.text];
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken)
      return this.urlPrefixes(node.left, depth + 1);
    const initializer = this.constantInitializer(node);
    return initializer ? this.urlPrefixes(initializer, depth + 1) : [];
  }

  /** The initializer of the const an identifier names (through imports), if it is one. */
  constantInitializer(node) {
    if (!ts.isIdentifier(node)) return undefined;
    const declaration = this.declarationOf(node);
    if (
      declaration &&
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer &&
      ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const
    ) {
      return declaration.initializer;
    }
    return undefined;
  }

  symbolOf(node) {
    let symbol = this.checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol;
  }

  declarationOf(node) {
    const symbol = this.symbolOf(node);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  /**
   * Whether openExternal's argument is a constant or parameter, never reassigned, that the
   * allow-list check has vouched for on every path to this call: inside `if (check(x))`,
   * `check(x) && ...`, `check(x) ? ... :`, or after `if (!check(x)) return/throw`.
   */
  passedUrlCheck(call, argument) {
    if (!ts.isIdentifier(argument)) return false;
    const symbol = this.symbolOf(argument);
    const declaration = symbol?.valueDeclaration;
    if (!symbol || !declaration) return false;
    const constant = ts.isVariableDeclaration(declaration) && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const;
    const parameter =
      ts.isParameter(declaration) ||
      (ts.isBindingElement(declaration) && ts.isParameter(ts.walkUpBindingElementsAndPatterns(declaration)));
    if (!constant && !parameter) return false;
    if (this.isReassigned(symbol)) return false;

    let child = call;
    for (let node = call.parent; node; child = node, node = node.parent) {
      if (ts.isIfStatement(node) && child === node.thenStatement && this.asserts(node.expression, symbol, true))
        return true;
      if (ts.isConditionalExpression(node) && child === node.whenTrue && this.asserts(node.condition, symbol, true))
        return true;
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
        child === node.right &&
        this.asserts(node.left, symbol, true)
      ) {
        return true;
      }
      if (ts.isBlock(node) || ts.isSourceFile(node)) {
        const earlier = node.statements.slice(0, node.statements.indexOf(child));
        if (
          earlier.some(
            (statement) =>
              ts.isIfStatement(statement) &&
              this.asserts(statement.expression, symbol, false) &&
              alwaysExits(statement.thenStatement),
          )
        )
          return true;
      }
    }
    return false;
  }

  /** Whether `condition` being `outcome` means the check passed for the symbol. */
  asserts(condition, symbol, outcome) {
    const node = unwrap(condition);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken)
      return this.asserts(node.operand, symbol, !outcome);
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind;
      // a && b true: both hold; a || b false: neither holds.
      if (
        (outcome && kind === ts.SyntaxKind.AmpersandAmpersandToken) ||
        (!outcome && kind === ts.SyntaxKind.BarBarToken)
      ) {
        return this.asserts(node.left, symbol, outcome) || this.asserts(node.right, symbol, outcome);
      }
      return false;
    }
    return outcome && this.isUrlCheckOf(node, symbol);
  }

  isUrlCheckOf(node, symbol) {
    if (!ts.isCallExpression(node) || calleeName(node.expression) !== URL_CHECK.name) return false;
    const [argument] = node.arguments;
    if (!argument || !ts.isIdentifier(unwrap(argument)) || this.symbolOf(unwrap(argument)) !== symbol) return false;
    // The project's own check, not a look-alike of the same name.
    const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name : node.expression;
    const declaration = this.declarationOf(callee);
    if (!declaration) return false;
    const file = relative(this.root, declaration.getSourceFile().fileName).split(sep).join('/');
    return file === URL_CHECK.file;
  }

  isReassigned(symbol) {
    let reassigned = false;
    const visit = (node) => {
      if (reassigned) return;
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      ) {
        if (ts.isIdentifier(unwrap(node.left)) && this.symbolOf(unwrap(node.left)) === symbol) reassigned = true;
      }
      if (
        (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
        ts.isIdentifier(node.operand) &&
        this.symbolOf(node.operand) === symbol
      ) {
        if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
          reassigned = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    return reassigned;
  }
}

function unwrap(node) {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function propertyName(name) {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isPrivateIdentifier(name) ? name.text : undefined;
}

/** `f`, `a.f`, `a['f']`: f. */
function calleeName(expression) {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))
    return node.argumentExpression.text;
  return undefined;
}

/** `f(...)`, or `window.f` / `globalThis.f` / `self.f`: the global, not someone's method of that name. */
function isGlobalCallee(expression) {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return true;
  const target =
    ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? unwrap(node.expression) : undefined;
  return target !== undefined && ts.isIdentifier(target) && GLOBAL_OBJECTS.has(target.text);
}

/** `electron` or `require('electron')`. */
function isElectronModule(expression) {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return node.text === 'electron';
  return (
    ts.isCallExpression(node) &&
    calleeName(node.expression) === 'require' &&
    node.arguments[0] !== undefined &&
    ts.isStringLiteralLike(node.arguments[0]) &&
    node.arguments[0].text === 'electron'
  );
}

function alwaysExits(statement) {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement))
    return statement.statements.some((inner) => ts.isReturnStatement(inner) || ts.isThrowStatement(inner));
  return false;
}

/** HTML has no TypeScript syntax tree: tags found by pattern (a page's tags are few and plain). */
function scanHtml(html, report) {
  for (const match of html.matchAll(/<webview\b/gi))
    report(match.index, 'webview', '<webview> embeds remote content with its own privileges');
  for (const match of html.matchAll(
    /<(script|iframe)\b[^>]*?\bsrc\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?\/\/[^"'\s>]*)/gi,
  )) {
    report(
      match.index,
      'remote-content',
      `<${match[1].toLowerCase()}> loads ${match[2].slice(0, 80)}: only the app's own files may load`,
    );
  }
}

function lineAndColumn(text, index) {
  const before = text.slice(0, index).split('\n');
  return [before.length, before.at(-1).length + 1];
}

export function main(argv = process.argv.slice(2), print = console.log) {
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? argv[rootAt + 1] : ROOT;
  if (root === undefined) {
    print('usage: node scripts/electron-antipatterns.mjs [--root DIR]');
    return 2;
  }
  const { files, findings } = findAntiPatterns({ root });
  for (const finding of findings)
    print(`${finding.file}:${finding.line}:${finding.column}  ${finding.rule}  ${finding.message}`);
  const scope = SCANNED_FOLDERS.map((folder) => `${folder}/`).join(', ');
  if (findings.length === 0) print(`No Electron anti-patterns in ${files} files (${scope}).`);
  else
    print(`${findings.length} Electron anti-pattern${findings.length === 1 ? '' : 's'} in ${files} files (${scope}).`);
  return findings.length === 0 ? 0 : 1;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) process.exitCode = main();
