// Redaction: the configuration's secrets and the raw OS machine GUID never reach a log line or a
// diagnostics bundle, neither as they are nor in the encodings they commonly travel in (base64 and
// base64url at any alignment, URL and form encoding, hex, JSON string escapes).
import { CONFIG_KEY_NAMES, isSecret } from '../config/keys.js';
import type { ResolvedConfig } from '../config/resolve.js';

export const REDACTED = '[redacted]';

/** Shorter values are ordinary words too often to be replaced everywhere. */
const MIN_SECRET_CHARS = 4;
/** A base64 run taken from the middle of a longer encoding must be at least this long to count. */
const MIN_BASE64_RUN_CHARS = 6;

/** What must never be written: every secret any configuration layer holds, and the raw OS machine GUID. */
export function sensitiveValues(config: ResolvedConfig, rawMachineId?: string): string[] {
  const resolved = CONFIG_KEY_NAMES.filter(isSecret).map((key) => config.values[key]);
  return [...new Set([...config.secretValues, ...resolved, rawMachineId])].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}

/** The ways `secret` can appear in text, longest first. */
export function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ]);
  const percent = encodeURIComponent(secret);
  forms.add(percent).add(percent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  forms.add(new URLSearchParams({ s: secret }).toString().slice('s='.length));
  for (const encoding of ['base64', 'base64url'] as const) {
    forms.add(bytes.toString(encoding));
    // Inside a longer encoding the secret starts at byte 0, 1 or 2 of a 3-byte group; the groups
    // made only of its own bytes encode to the same characters whatever surrounds them.
    for (const offset of [0, 1, 2]) {
      const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
      const run = shifted.toString(encoding).slice(offset === 0 ? 0 : 4, 4 * Math.floor(shifted.length / 3));
      if (run.length >= MIN_BASE64_RUN_CHARS) forms.add(run);
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
}

/** Replaces every known sensitive value, in every form, with [redacted]. */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(values: Iterable<string | undefined> = []) {
    this.add(values);
  }

  add(values: Iterable<string | undefined>): void {
    let added = false;
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS || this.values.has(value)) continue;
      this.values.add(value);
      added = true;
    }
    if (!added) return;
    const forms = [...new Set([...this.values].flatMap(encodedForms))].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  }

  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, REDACTED) : text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
