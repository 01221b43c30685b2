// A small subset of ICU MessageFormat, enough for the window's words: `{name}` is replaced by a
// parameter (numbers through Intl.NumberFormat), and `{count, plural, one {# value} other {# values}}`
// picks a branch by Intl.PluralRules (`=0` matches exactly; `#` is the formatted count). No library:
// this is all the catalogs need, and it must run in the renderer, the tray and the CLI alike.

export type MessageParams = Readonly<Record<string, string | number>>;

interface Formats {
  number: Intl.NumberFormat;
  plural: Intl.PluralRules;
}

const formatsByLocale = new Map<string, Formats>();

function formatsOf(locale: string): Formats {
  let formats = formatsByLocale.get(locale);
  if (!formats) {
    formats = { number: new Intl.NumberFormat(locale), plural: new Intl.PluralRules(locale) };
    formatsByLocale.set(locale, formats);
  }
  return formats;
}

/** `template` with its placeholders filled from `params`; a missing parameter stays as `{name}`, visibly. */
export function formatMessage(template: string, params: MessageParams, locale: string): string {
  if (!template.includes('{')) return template;
  const formats = formatsOf(locale);
  let out = '';
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{', index);
    if (open < 0) break;
    const close = matchingBrace(template, open);
    out += template.slice(index, open);
    out += formatArgument(template.slice(open + 1, close), params, locale, formats);
    index = close + 1;
  }
  return out + template.slice(index);
}

function formatArgument(argument: string, params: MessageParams, locale: string, formats: Formats): string {
  const comma = argument.indexOf(',');
  const name = (comma < 0 ? argument : argument.slice(0, comma)).trim();
  const value = params[name];
  if (comma < 0) {
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formats.number.format(value) : value;
  }
  const count = typeof value === 'number' ? value : Number(value);
  const branches = pluralBranches(argument.slice(argument.indexOf(',', comma + 1) + 1));
  const branch = branches.get(`=${count}`) ?? branches.get(formats.plural.select(count)) ?? branches.get('other') ?? '';
  return formatMessage(branch.replaceAll('#', formats.number.format(count)), params, locale);
}

/** `one {…} other {…}` as selector -> text. */
function pluralBranches(text: string): Map<string, string> {
  const branches = new Map<string, string>();
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('{', index);
    if (open < 0) break;
    const close = matchingBrace(text, open);
    branches.set(text.slice(index, open).trim(), text.slice(open + 1, close));
    index = close + 1;
  }
  return branches;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return index;
  }
  throw new Error(`unbalanced braces in message: ${text}`);
}

/** The parameter names a template uses (in placeholders and plural arguments), and its plural arguments' names. */
export function placeholdersOf(template: string): { names: Set<string>; plurals: Set<string> } {
  const names = new Set<string>();
  const plurals = new Set<string>();
  const visit = (text: string) => {
    let index = 0;
    while (index < text.length) {
      const open = text.indexOf('{', index);
      if (open < 0) return;
      const close = matchingBrace(text, open);
      const argument = text.slice(open + 1, close);
      const comma = argument.indexOf(',');
      const name = (comma < 0 ? argument : argument.slice(0, comma)).trim();
      names.add(name);
      if (comma >= 0) {
        plurals.add(name);
        for (const branch of pluralBranches(argument.slice(argument.indexOf(',', comma + 1) + 1)).values())
          visit(branch);
      }
      index = close + 1;
    }
  };
  visit(template);
  return { names, plurals };
}
