// Every configuration key: its type, default, environment variable, command-line flag and
// whether it is a secret. One table, so that the file schema, the environment, the flags and
// `varsync config` cannot disagree. zod's "mini" build: a few percent of the full one, which is
// a large part of the start-up of every command (docs/BENCHMARKS.md); the messages are the same.
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { nameProblem, valueProblem } from '../../../shared/variables.js';
import type { VariableValue } from '../../../shared/wire.js';
import { COLLECTOR_CHOICES } from '../collectors/catalog.js';
import { proxyCredentials, proxySettingProblem, redactProxy } from '../api/proxy.js';
import { isLanguageTag } from '../../../shared/i18n/translator.js';

z.config(en()); // the messages the full build gives (it loads English by itself)

const text = () => z.string().check(z.minLength(1));
const positiveInt = (max: number) => z.int().check(z.positive(), z.maximum(max));

// The proxy setting (see api/proxy.ts): credentials inside it are a secret, so no message shows it.
const proxySettingSchema = z.string().check(
  z.refine((text) => proxySettingProblem(text) === undefined, {
    error: (issue) => proxySettingProblem(String(issue.input)) ?? 'invalid proxy',
  }),
);

export const CONFIG_KEYS = {
  apiUrl: {
    schema: z.url({ protocol: /^https?$/ }),
    env: 'VARSYNC_API_URL',
    flag: 'api-url',
    about: 'License API base URL',
  },
  product: { schema: text(), env: 'VARSYNC_PRODUCT', flag: 'product', about: 'product short code' },
  licenseKey: {
    schema: text(),
    env: 'VARSYNC_LICENSE_KEY',
    flag: 'license-key',
    secret: true,
    about: 'license key (key-based products)',
  },
  username: {
    schema: text(),
    env: 'VARSYNC_USERNAME',
    flag: 'username',
    about: 'license user (user-based products)',
  },
  password: {
    schema: text(),
    env: 'VARSYNC_PASSWORD',
    secret: true,
    about: 'license user password, for activation',
  },
  licenseId: {
    schema: z.int().check(z.positive()),
    env: 'VARSYNC_LICENSE_ID',
    flag: 'license-id',
    about: 'license id when a user holds several',
  },
  bundleCode: { schema: text(), env: 'VARSYNC_BUNDLE_CODE', flag: 'bundle-code', about: 'bundle code' },
  apiKey: { schema: text(), env: 'VARSYNC_API_KEY', flag: 'api-key', about: 'API key (HMAC)' },
  sharedKey: { schema: text(), env: 'VARSYNC_SHARED_KEY', secret: true, about: 'shared key (HMAC)' },
  clientId: { schema: text(), env: 'VARSYNC_CLIENT_ID', flag: 'client-id', about: 'OAuth client id' },
  clientSecret: { schema: text(), env: 'VARSYNC_CLIENT_SECRET', secret: true, about: 'OAuth client secret' },
  tokenUrl: {
    schema: z.url({ protocol: /^https?$/ }),
    env: 'VARSYNC_TOKEN_URL',
    flag: 'token-url',
    about: 'OAuth token endpoint',
  },
  hardwareId: {
    schema: z.string().check(z.trim(), z.minLength(1)),
    env: 'VARSYNC_HARDWARE_ID',
    flag: 'hardware-id',
    about: 'explicit hardware ID (the one your application activated with)',
  },
  dataDir: {
    schema: text(),
    env: 'VARSYNC_DATA_DIR',
    flag: 'data-dir',
    about: 'folder for the database and identity',
  },
  autoActivate: {
    schema: z.boolean(),
    env: 'VARSYNC_AUTO_ACTIVATE',
    flag: 'auto-activate',
    about: 'activate this device when the server does not know it',
  },
  batchSize: {
    schema: positiveInt(1000),
    env: 'VARSYNC_BATCH_SIZE',
    flag: 'batch-size',
    about: 'variables per request (at most 1000)',
  },
  syncIntervalSeconds: {
    schema: positiveInt(86_400),
    env: 'VARSYNC_SYNC_INTERVAL_SECONDS',
    flag: 'sync-interval',
    about: 'seconds between routine sync passes',
  },
  retryBaseMs: {
    schema: positiveInt(3_600_000),
    env: 'VARSYNC_RETRY_BASE_MS',
    flag: 'retry-base-ms',
    about: 'first retry delay (full-jitter exponential backoff)',
  },
  retryMaxMs: {
    schema: positiveInt(86_400_000),
    env: 'VARSYNC_RETRY_MAX_MS',
    flag: 'retry-max-ms',
    about: 'longest retry delay',
  },
  recheckSeconds: {
    schema: positiveInt(86_400),
    env: 'VARSYNC_RECHECK_SECONDS',
    flag: 'recheck-seconds',
    about: 'how often a held state (license, device, clock, credentials) is re-checked',
  },
  requestTimeoutMs: {
    schema: positiveInt(600_000),
    env: 'VARSYNC_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    about: 'limit per License API call',
  },
  debounceMs: {
    schema: z.int().check(z.nonnegative(), z.maximum(10_000)),
    env: 'VARSYNC_DEBOUNCE_MS',
    flag: 'debounce-ms',
    about: 'wait after a set before sending, to batch bursts',
  },
  fleetSpreadSeconds: {
    schema: z.int().check(z.nonnegative(), z.maximum(86_400)),
    env: 'VARSYNC_FLEET_SPREAD_SECONDS',
    flag: 'fleet-spread-seconds',
    about:
      'spread of the first send after start, resume or coming back online (devices / requests per second the fleet may use; docs/FLEET.md)',
  },
  responsePublicKey: {
    schema: z.string().check(z.includes('BEGIN PUBLIC KEY')),
    env: 'VARSYNC_RESPONSE_PUBLIC_KEY',
    about: 'PEM key to verify LicenseSignature on answers',
  },
  proxy: {
    schema: proxySettingSchema,
    env: 'VARSYNC_PROXY',
    flag: 'proxy',
    about:
      'system (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY here, the OS settings and PAC in the app), direct, or http://[user:password@]host:port',
  },
  caFile: {
    schema: text(),
    env: 'VARSYNC_CA_FILE',
    flag: 'ca-file',
    about: "PEM file of CA certificates trusted in addition to the system's (verification is never switched off)",
  },
  locale: {
    schema: z.string().check(
      z.refine((tag) => isLanguageTag(tag), {
        error: 'expected a language tag such as de, fr-CA or ar (BCP 47)',
      }),
    ),
    env: 'VARSYNC_LOCALE',
    flag: 'locale',
    about:
      "the window's, status page's and tray's language (default: the OS's, or the browser's); the command line stays English",
  },
  logLevel: {
    schema: z.enum(['error', 'warn', 'info', 'debug']),
    env: 'VARSYNC_LOG_LEVEL',
    flag: 'log-level',
    about: 'log detail',
  },
} as const satisfies Record<
  string,
  { schema: z.ZodMiniType; env: string; flag?: string; secret?: boolean; about: string }
>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = { [K in ConfigKey]: z.output<(typeof CONFIG_KEYS)[K]['schema']> };

export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

// Not z.record: it drops a "__proto__" name (a valid variable name) without a word.
const initialVariables = z.pipe(
  z
    .custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      'expected an object of name -> value',
    )
    .check(
      z.superRefine((variables, context) => {
        for (const [name, value] of Object.entries(variables)) {
          const badName = nameProblem(name);
          const badValue = badName ? undefined : valueProblem(value);
          if (badName || badValue) context.addIssue({ code: 'custom', message: badName ?? `"${name}": ${badValue}` });
        }
      }),
    ),
  z.transform((variables) => Object.fromEntries(Object.entries(variables)) as Record<string, VariableValue>),
);

/**
 * Keys only the vendor file (and, where `policy` says so, the policy) may hold: they are not
 * settings of the agent's connection but of what the installed product does. No environment
 * variable or flag sets them.
 */
export const VENDOR_KEYS = {
  variables: {
    schema: initialVariables,
    policy: false,
    about: 'initial variables (name -> text, number or boolean), queued once; a changed value is queued again',
  },
  collectors: {
    schema: z.array(z.enum(COLLECTOR_CHOICES)),
    policy: true,
    about: 'built-in variables to collect ("standard" or names; hostname and username only by name)',
  },
  appVersion: {
    schema: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
    policy: false,
    about: 'the version of the vendor app, reported by the app_version collector',
  },
  launchAtLogin: {
    schema: z.boolean(),
    policy: false,
    about: 'desktop app: start at login until the user chooses otherwise',
  },
} as const satisfies Record<string, { schema: z.ZodMiniType; policy: boolean; about: string }>;

export type VendorKey = keyof typeof VENDOR_KEYS;
export type VendorValues = { [K in VendorKey]: z.output<(typeof VENDOR_KEYS)[K]['schema']> };
export const VENDOR_KEY_NAMES = Object.keys(VENDOR_KEYS) as VendorKey[];

export function isSecret(key: ConfigKey): boolean {
  return 'secret' in CONFIG_KEYS[key] && CONFIG_KEYS[key].secret === true;
}

/** A key's value as it may be shown: secrets not at all, a proxy without its credentials. */
export function shownValue(key: ConfigKey, value: unknown): unknown {
  if (isSecret(key)) return '[redacted]';
  if (key === 'proxy' && typeof value === 'string') return redactProxy(value);
  return value;
}

/** The secret parts of a key's value that must never be written (a proxy's user name and password). */
export function secretPartsOf(key: ConfigKey, value: unknown): string[] {
  if (typeof value !== 'string') return [];
  if (isSecret(key)) return [value];
  return key === 'proxy' ? proxyCredentials(value) : [];
}

/** The OS's usual place for an application's data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, os: NodeJS.Platform = platform()): string {
  if (os === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Varsync');
  if (os === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Varsync');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'varsync');
}

export const BUILT_IN_DEFAULTS: Partial<ConfigValues> = {
  apiUrl: 'https://api.licensespring.com',
  batchSize: 100,
  syncIntervalSeconds: 300,
  retryBaseMs: 1_000,
  retryMaxMs: 300_000,
  recheckSeconds: 300,
  requestTimeoutMs: 15_000,
  debounceMs: 200,
  fleetSpreadSeconds: 0,
  logLevel: 'info',
};
