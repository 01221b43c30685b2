// The window's and the tray's language: which catalog a list of preferred languages picks (exact
// tag, then its base language, then the next preference, then English). `en-XA` is the
// pseudo-locale (every English message in ⟦ ⟧), which shows at a glance, and lets a test prove,
// that no word on screen escaped the catalogs.
import { ar } from './catalogs/ar.js';
import { de } from './catalogs/de.js';
import { en, type Catalog } from './catalogs/en.js';
import { es } from './catalogs/es.js';
import { fr } from './catalogs/fr.js';
import { ja } from './catalogs/ja.js';
import { canonicalTag, english, Translator, type LocaleChoice } from './translator.js';

/** Every language the window speaks, by its base tag. */
export const CATALOGS = { en, de, fr, es, ja, ar } as const satisfies Record<string, Catalog>;
export type Language = keyof typeof CATALOGS;
export const LANGUAGES = Object.keys(CATALOGS) as Language[];

export const PSEUDO_LOCALE = 'en-XA';
export const PSEUDO_OPEN = '⟦';
export const PSEUDO_CLOSE = '⟧';

/** English with every message in markers: what a string that bypassed the catalogs lacks. */
export function pseudoCatalog(source: Catalog = en): Catalog {
  return Object.fromEntries(
    Object.entries(source).map(([key, text]) => [key, `${PSEUDO_OPEN}${text}${PSEUDO_CLOSE}`]),
  ) as Catalog;
}

/** The first preference there is a catalog for (exact tag, then base language), else English. */
export function pickLocale(preferred: ReadonlyArray<string | null | undefined>): LocaleChoice {
  for (const wanted of preferred) {
    const tag = wanted ? canonicalTag(wanted) : undefined;
    if (!tag) continue;
    if (tag === PSEUDO_LOCALE) return { language: PSEUDO_LOCALE, tag };
    const exact = tag.toLowerCase();
    if (exact in CATALOGS) return { language: exact, tag };
    const base = exact.split('-')[0]!;
    if (base in CATALOGS) return { language: base, tag };
  }
  return { language: 'en', tag: 'en' };
}

let pseudo: Catalog | undefined;

function catalogOf(language: string): Catalog {
  if (language === PSEUDO_LOCALE) return (pseudo ??= pseudoCatalog());
  return CATALOGS[language as Language];
}

const translators = new Map<string, Translator>([['en', english]]);

/** The translator for a list of preferred languages (one per locale, so its formatters are shared). */
export function translatorFor(preferred: ReadonlyArray<string | null | undefined>): Translator {
  const choice = pickLocale(preferred);
  let translator = translators.get(choice.tag);
  if (!translator) {
    translator = new Translator(choice, catalogOf(choice.language));
    translators.set(choice.tag, translator);
  }
  return translator;
}
