// The message catalogs (shared/i18n): every language has exactly English's keys, with the same
// placeholders and plural arguments, and every message formats; the language is picked by the
// documented chain (exact tag, base language, next preference, English).
import { describe, expect, it } from 'vitest';
import { en } from '../../shared/i18n/catalogs/en.js';
import { formatMessage, placeholdersOf } from '../../shared/i18n/message-format.js';
import {
  CATALOGS,
  LANGUAGES,
  PSEUDO_CLOSE,
  PSEUDO_OPEN,
  pickLocale,
  pseudoCatalog,
  translatorFor,
  type Language,
} from '../../shared/i18n/languages.js';
import { explainProblem } from '../../shared/explanations.js';

const englishKeys = Object.keys(en).sort();

/** The selectors of every plural argument in a template ("one", "other", "=0"...). */
function pluralSelectors(template: string): string[][] {
  const found: string[][] = [];
  for (const match of template.matchAll(/\{\s*\w+\s*,\s*plural\s*,/g)) {
    let depth = 0;
    let index = match.index! + match[0].length;
    const selectors: string[] = [];
    let selector = '';
    for (; index < template.length; index++) {
      const char = template[index]!;
      if (char === '{') {
        if (depth === 0) selectors.push(selector.trim());
        depth++;
      } else if (char === '}') {
        if (depth === 0) break;
        depth--;
        if (depth === 0) selector = '';
      } else if (depth === 0) selector += char;
    }
    found.push(selectors);
  }
  return found;
}

describe('the catalogs', () => {
  it('ship English, German, French, Spanish, Japanese and Arabic', () => {
    expect([...LANGUAGES].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'ja']);
  });

  it.each(LANGUAGES)('%s has exactly the keys English has, none empty', (language) => {
    const catalog = CATALOGS[language as Language];
    const keys = Object.keys(catalog).sort();
    expect(
      englishKeys.filter((key) => !keys.includes(key)),
      'missing',
    ).toEqual([]);
    expect(
      keys.filter((key) => !englishKeys.includes(key)),
      'extra',
    ).toEqual([]);
    expect(Object.entries(catalog).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it.each(LANGUAGES)('%s uses the same placeholders and plural arguments as English in every message', (language) => {
    const catalog: Record<string, string> = CATALOGS[language as Language];
    const mismatches: string[] = [];
    for (const key of englishKeys) {
      const want = placeholdersOf(en[key as keyof typeof en]);
      const got = placeholdersOf(catalog[key]!);
      const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((name) => b.has(name));
      if (!same(want.names, got.names) || !same(want.plurals, got.plurals))
        mismatches.push(`${key}: {${[...got.names].join(', ')}} instead of {${[...want.names].join(', ')}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it.each(LANGUAGES)("%s's plurals have an `other` branch and only its language's categories", (language) => {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
    const catalog: Record<string, string> = CATALOGS[language as Language];
    const problems: string[] = [];
    for (const [key, text] of Object.entries(catalog)) {
      for (const selectors of pluralSelectors(text)) {
        if (!selectors.includes('other')) problems.push(`${key}: no other`);
        const foreign = selectors.filter((selector) => !categories.includes(selector) && !/^=\d+$/.test(selector));
        if (foreign.length > 0) problems.push(`${key}: ${foreign.join(', ')} is not a ${language} category`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(LANGUAGES)('%s formats every message with numbers and text for its parameters', (language) => {
    const translator = translatorFor([language]);
    for (const key of englishKeys) {
      const names = placeholdersOf(en[key as keyof typeof en]).names;
      const params = Object.fromEntries([...names].map((name, index) => [name, index + 2]));
      const text = translator.t(key as keyof typeof en, params);
      expect(text, key).not.toMatch(/[{}]/);
    }
  });

  it('the pseudo-locale wraps every English message in markers, keeping its placeholders', () => {
    const pseudo = pseudoCatalog();
    expect(Object.keys(pseudo).sort()).toEqual(englishKeys);
    expect(pseudo['notice.retried']).toBe(`${PSEUDO_OPEN}${en['notice.retried']}${PSEUDO_CLOSE}`);
    expect(translatorFor(['en-XA']).t('notice.retried', { count: 2 })).toBe('⟦2 values queued to send again.⟧');
  });
});

describe('the message format', () => {
  it('fills placeholders, formats numbers in the locale, and picks plural branches by Intl.PluralRules', () => {
    expect(formatMessage('{count, plural, =0 {none} one {# value} other {# values}}', { count: 0 }, 'en')).toBe('none');
    expect(formatMessage('{count, plural, one {# value} other {# values}}', { count: 1 }, 'en')).toBe('1 value');
    expect(formatMessage('{count, plural, one {# value} other {# values}}', { count: 1234 }, 'en')).toBe(
      '1,234 values',
    );
    expect(formatMessage('{count, plural, one {# Wert} other {# Werte}}', { count: 1234 }, 'de')).toBe('1.234 Werte');
    expect(
      formatMessage(
        '{count, plural, zero {#} one {one} two {two} few {# few} many {# many} other {# other}}',
        { count: 3 },
        'ar',
      ),
    ).toBe(`${new Intl.NumberFormat('ar').format(3)} few`);
    expect(formatMessage('Discard {name} for good?', { name: 'color' }, 'en')).toBe('Discard color for good?');
    expect(formatMessage('{a} and {b}', { a: 'x' }, 'en')).toBe('x and {b}');
    expect(
      formatMessage('{count, plural, one {{name}: # line} other {{name}: # lines}}', { count: 2, name: 'log' }, 'en'),
    ).toBe('log: 2 lines');
  });
});

describe('choosing the language', () => {
  it('takes the exact tag, then its base language, then the next preference, then English', () => {
    expect(pickLocale(['de-AT'])).toEqual({ language: 'de', tag: 'de-AT' });
    expect(pickLocale(['fr'])).toEqual({ language: 'fr', tag: 'fr' });
    expect(pickLocale(['pt-BR', 'es-MX', 'en'])).toEqual({ language: 'es', tag: 'es-MX' });
    expect(pickLocale(['zz', 'not a tag!', undefined, ''])).toEqual({ language: 'en', tag: 'en' });
    expect(pickLocale(['ja_JP'])).toEqual({ language: 'ja', tag: 'ja-JP' });
    expect(pickLocale(['en-XA'])).toEqual({ language: 'en-XA', tag: 'en-XA' });
  });

  it('writes Arabic right to left, with its relative times', () => {
    const arabic = translatorFor(['ar']);
    expect(arabic.dir).toBe('rtl');
    expect(arabic.lang).toBe('ar');
    expect(translatorFor(['de']).dir).toBe('ltr');
    expect(arabic.ago(0, 3 * 60_000)).toBe(new Intl.RelativeTimeFormat('ar').format(-3, 'minute'));
  });
});

describe('explanations', () => {
  it('are English for the command line and name their catalog messages for the window', () => {
    const explanation = explainProblem({ kind: 'license', code: 'license_not_enabled', message: 'x' });
    expect(explanation.reason).toBe("This device's license is disabled.");
    expect(explanation.messages.reason.key).toBe('explain.code.license_not_enabled.reason');
    const clock = explainProblem({ kind: 'clock', code: 'date_header_diff', message: 'x', clockOffsetMs: 22 * 60_000 });
    expect(clock.reason).toBe('Your clock is 22 minutes off (behind the server).');
    expect(translatorFor(['de']).say(clock.messages.reason)).toMatch(/22 Minuten/);
    const unknown = explainProblem({ kind: 'mystery', code: 'odd', message: 'The server said so.' });
    expect(unknown.reason).toBe('The server said so.');
  });
});
