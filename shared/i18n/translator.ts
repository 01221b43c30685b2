// A Translator says one catalog's words and formats dates, numbers, durations and relative times
// through Intl in one locale. This file loads English only: the command line's words (and the
// source of every key); the other languages and the choice among them are in languages.ts, which
// only the window, the status page and the tray load.
import { en, type Catalog, type MessageKey } from './catalogs/en.js';
import { formatMessage, type MessageParams } from './message-format.js';

export type { Catalog, MessageKey, MessageParams };

/** A message of the catalogs with its parameters, as data (an explanation carries two); a parameter may be a message itself. */
export interface MessageRef {
  key: MessageKey;
  params?: Readonly<Record<string, string | number | MessageRef>>;
}

export interface LocaleChoice {
  /** The catalog: a language's base tag, or the pseudo-locale. */
  language: string;
  /** The full tag, for Intl (de-CH groups digits unlike de-DE). */
  tag: string;
}

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur']);

/** The canonical form of a language tag (ja_JP -> ja-JP), or undefined when it is not one. */
export function canonicalTag(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

/** Whether `tag` is a well-formed language tag (BCP 47), such as de, fr-CA or zh-Hant-TW. */
export function isLanguageTag(tag: string): boolean {
  return tag.trim() !== '' && canonicalTag(tag) !== undefined;
}

type Format = Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat;

/** A catalog's words and Intl's formats in one locale. Formatters are made once per translator. */
export class Translator {
  readonly dir: 'ltr' | 'rtl';
  /** The tag to put in `lang`. */
  readonly lang: string;
  private readonly catalog: Catalog;
  private readonly formats = new Map<string, Format>();

  constructor(
    readonly choice: LocaleChoice,
    catalog: Catalog,
  ) {
    this.catalog = catalog;
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
    return this.format(
      `l${type}`,
      () => new Intl.ListFormat(this.choice.tag, { type, style: type === 'unit' ? 'short' : 'long' }),
    ).format(items);
  }

  /**
   * Makes each of the formatters above once, with what it loads from Intl's data: the first number
   * format of a page alone takes 20-80 ms in Chromium here, each date format a few more (the window
   * does this before it asks for its first screen, renderer/warm-up.ts).
   */
  warmUp(nowMs: number): void {
    this.t('variables.count', { count: 1_000 });
    this.number(1_000);
    this.dateTime(nowMs);
    this.time(nowMs);
    this.date(nowMs);
    this.elapsed(61_500);
    this.ago(nowMs - 120_000, nowMs);
    this.list(['a', 'b']);
  }

  private unit(value: number, unit: string): string {
    return this.number(value, { style: 'unit', unit, unitDisplay: 'short' });
  }

  private pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
    const first = this.unit(major, majorUnit);
    if (minor === 0) return first;
    return this.list([first, this.unit(minor, minorUnit)], 'unit');
  }

  private format<T extends Format>(id: string, make: () => T): T {
    let format = this.formats.get(id) as T | undefined;
    if (!format) {
      format = make();
      this.formats.set(id, format);
    }
    return format;
  }
}

/** The words the command line prints, and the source every other catalog is checked against. */
export const english = new Translator({ language: 'en', tag: 'en' }, en);
