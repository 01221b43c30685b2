// The window's and the tray's language: which catalog a list of preferred languages picks (exact
// tag, then its base language, then the next preference, then English), and a Translator that
// says a catalog's words and formats dates, numbers, durations and relative times through Intl in
// that locale. `en-XA` is the pseudo-locale (every English message in ⟦ ⟧), which shows at a
// glance, and lets a test prove, that no word on screen escaped the catalogs.
import { ar } from './catalogs/ar.js';
import { de } from './catalogs/de.js';
import { en, type Catalog, type MessageKey } from './catalogs/en.js';
import { es } from './catalogs/es.js';
import { fr } from './catalogs/fr.js';
import { ja } from './catalogs/ja.js';
import { formatMessage, type MessageParams } from './message-format.js';

export type { MessageKey, MessageParams };

/** A message of the catalogs with its parameters, as data (an explanation carries two); a parameter may be a message itself. */
export interface MessageRef {
  key: MessageKey;
  params?: Readonly<Record<string, string | number | MessageRef>>;
}

/** Every language the window speaks, by its base tag. */
export const CATALOGS = { en, de, fr, es, ja, ar } as const satisfies Record<string, Catalog>;
export type Language = keyof typeof CATALOGS;
export const LANGUAGES = Object.keys(CATALOGS) as Language[];

export const PSEUDO_LOCALE = 'en-XA';
export const PSEUDO_OPEN = '⟦';
export const PSEUDO_CLOSE = '⟧';

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur']);

/** English with every message in markers: what a string that bypassed the catalogs lacks. */
export function pseudoCatalog(source: Catalog = en): Catalog {
  return Object.fromEntries(
    Object.entries(source).map(([key, text]) => [key, `${PSEUDO_OPEN}${text}${PSEUDO_CLOSE}`]),
  ) as Catalog;
}

export interface LocaleChoice {
  /** The catalog. */
  language: Language | typeof PSEUDO_LOCALE;
  /** The full tag, for Intl (de-CH groups digits unlike de-DE). */
  tag: string;
}

function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

/** Whether `tag` is a well-formed language tag (BCP 47), such as de, fr-CA or zh-Hant-TW. */
export function isLanguageTag(tag: string): boolean {
  return tag.trim() !== '' && canonical(tag) !== undefined;
}

/** The first preference there is a catalog for (exact tag, then base language), else English. */
export function pickLocale(preferred: ReadonlyArray<string | null | undefined>): LocaleChoice {
  for (const wanted of preferred) {
    const tag = wanted ? canonical(wanted) : undefined;
    if (!tag) continue;
    if (tag === PSEUDO_LOCALE) return { language: PSEUDO_LOCALE, tag };
    const exact = tag.toLowerCase();
    if (exact in CATALOGS) return { language: exact as Language, tag };
    const base = exact.split('-')[0]!;
    if (base in CATALOGS) return { language: base as Language, tag };
  }
  return { language: 'en', tag: 'en' };
}

let pseudo: Catalog | undefined;

function catalogOf(language: LocaleChoice['language']): Catalog {
  if (language === PSEUDO_LOCALE) return (pseudo ??= pseudoCatalog());
  return CATALOGS[language];
}

/** A catalog's words and Intl's formats in one locale. Formatters are made once per translator. */
export class Translator {
  readonly dir: 'ltr' | 'rtl';
  /** The tag to put in `lang`. */
  readonly lang: string;
  private readonly catalog: Catalog;
  private readonly formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

  constructor(readonly choice: LocaleChoice) {
    this.catalog = catalogOf(choice.language);
    this.lang = choice.tag;
    this.dir = RIGHT_TO_LEFT.has(choice.tag.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr';
  }

  /** The message `key` with `params` filled in (an arrow, so components can take it out: `const { t } = …`). */
  readonly t = (key: MessageKey, params: MessageParams = {}): string =>
    formatMessage(this.catalog[key] ?? en[key], params, this.choice.tag);

  /** A message reference in this language, its message parameters said first. */
  readonly say = (ref: MessageRef): string => {
    if (!ref.params) return this.t(ref.key);
    const params: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(ref.params))
      params[name] = typeof value === 'object' ? this.say(value) : value;
    return this.t(ref.key, params);
  };

  /** Whether `key` names a message (for keys built from codes, such as explanations). */
  has(key: string): key is MessageKey {
    return Object.hasOwn(en, key);
  }

  number(value: number, options: Intl.NumberFormatOptions = {}): string {
    return this.format(`n${JSON.stringify(options)}`, () => new Intl.NumberFormat(this.choice.tag, options)).format(
      value,
    );
  }

  /** A local date and time, medium length. */
  dateTime(ms: number): string {
    return this.format(
      'dt',
      () => new Intl.DateTimeFormat(this.choice.tag, { dateStyle: 'medium', timeStyle: 'medium' }),
    ).format(ms);
  }

  /** Hours and minutes. */
  time(ms: number): string {
    return this.format(
      't',
      () => new Intl.DateTimeFormat(this.choice.tag, { hour: 'numeric', minute: '2-digit' }),
    ).format(ms);
  }

  /** A date without the time. */
  date(ms: number): string {
    return this.format('d', () => new Intl.DateTimeFormat(this.choice.tag, { dateStyle: 'medium' })).format(ms);
  }

  /** "12 sec", "4 min, 5 sec", "3 hr, 2 min", "2 days, 3 hr": the two largest units. */
  duration(totalSeconds: number): string {
    const seconds = Math.max(0, Math.round(totalSeconds));
    if (seconds < 60) return this.unit(seconds, 'second');
    if (seconds < 3_600) return this.pair(Math.floor(seconds / 60), 'minute', seconds % 60, 'second');
    if (seconds < 86_400)
      return this.pair(Math.floor(seconds / 3_600), 'hour', Math.floor((seconds % 3_600) / 60), 'minute');
    return this.pair(Math.floor(seconds / 86_400), 'day', Math.floor((seconds % 86_400) / 3_600), 'hour');
  }

  /** A short span: "850 ms", "2.4 sec", then as duration(). */
  elapsed(ms: number): string {
    if (ms < 1_000) return this.unit(Math.round(ms), 'millisecond');
    if (ms < 60_000) return this.unit(Math.round(ms / 100) / 10, 'second');
    return this.duration(ms / 1_000);
  }

  /** How long until `targetMs`, counting down by the second: "in 12 sec"; "any moment now" once due. */
  countdown(targetMs: number, nowMs: number): string {
    const seconds = Math.ceil((targetMs - nowMs) / 1_000);
    return seconds <= 0 ? this.t('time.anyMomentNow') : this.t('time.in', { duration: this.duration(seconds) });
  }

  /** How long ago: "just now", "40 seconds ago", "3 minutes ago" (minutes and up drop the seconds). */
  ago(thenMs: number, nowMs: number): string {
    const seconds = Math.floor((nowMs - thenMs) / 1_000);
    if (seconds < 5) return this.t('time.justNow');
    const relative = this.format('rt', () => new Intl.RelativeTimeFormat(this.choice.tag, { numeric: 'always' }));
    if (seconds < 60) return relative.format(-seconds, 'second');
    if (seconds < 3_600) return relative.format(-Math.floor(seconds / 60), 'minute');
    if (seconds < 86_400) return relative.format(-Math.floor(seconds / 3_600), 'hour');
    return relative.format(-Math.floor(seconds / 86_400), 'day');
  }

  /** "a, b and c" in this language; as a `unit` list, "a, b". */
  list(items: string[], type: 'conjunction' | 'unit' = 'conjunction'): string {
    return new Intl.ListFormat(this.choice.tag, { type, style: type === 'unit' ? 'short' : 'long' }).format(items);
  }

  private unit(value: number, unit: string): string {
    return this.number(value, { style: 'unit', unit, unitDisplay: 'short' });
  }

  private pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
    const first = this.unit(major, majorUnit);
    if (minor === 0) return first;
    return new Intl.ListFormat(this.choice.tag, { type: 'unit', style: 'short' }).format([
      first,
      this.unit(minor, minorUnit),
    ]);
  }

  private format<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
    id: string,
    make: () => T,
  ): T {
    let format = this.formats.get(id) as T | undefined;
    if (!format) {
      format = make();
      this.formats.set(id, format);
    }
    return format;
  }
}

const translators = new Map<string, Translator>();

/** The translator for a list of preferred languages (one per locale, so its formatters are shared). */
export function translatorFor(preferred: ReadonlyArray<string | null | undefined>): Translator {
  const choice = pickLocale(preferred);
  let translator = translators.get(choice.tag);
  if (!translator) {
    translator = new Translator(choice);
    translators.set(choice.tag, translator);
  }
  return translator;
}

/** The words the command line prints, and the source every other catalog is checked against. */
export const english = translatorFor(['en']);
