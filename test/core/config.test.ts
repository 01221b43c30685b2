// Configuration: precedence with provenance, and start-up stopping with a message that names the
// file (or variable, or flag), the key and the problem.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeConfig,
  envLayer,
  fileLayer,
  flagLayer,
  objectLayer,
  resolveConfig,
  serverSettingsProblem,
} from '../../main/core/config/resolve.js';
import { defaultDataDir } from '../../main/core/config/keys.js';
import { tempDir } from '../helpers/agent.js';

function vendorFile(content: unknown): string {
  const path = join(tempDir(), 'varsync.vendor.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('precedence (highest first: policy, vendor file, flags, environment, user settings, defaults)', () => {
  it('takes each key from the highest layer that sets it, and says where it came from', () => {
    const file = vendorFile({ product: 'from-file' });
    const config = resolveConfig([
      envLayer({
        VARSYNC_PRODUCT: 'from-env',
        VARSYNC_BATCH_SIZE: '40',
        VARSYNC_USERNAME: 'env-user',
        VARSYNC_LOG_LEVEL: 'debug',
      }),
      objectLayer(
        'user-settings',
        { logLevel: 'warn', syncIntervalSeconds: 60, username: 'settings-user' },
        'user settings',
      ),
      flagLayer({ 'batch-size': '30', product: 'from-flag' }),
      fileLayer(file),
    ]);
    expect(config.values).toMatchObject({
      product: 'from-file',
      batchSize: 30,
      username: 'env-user',
      logLevel: 'debug',
      syncIntervalSeconds: 60,
      retryBaseMs: 1000,
    });
    expect(config.sources).toMatchObject({
      product: `file ${file} (product)`,
      batchSize: 'flag --batch-size',
      username: 'env VARSYNC_USERNAME',
      logLevel: 'env VARSYNC_LOG_LEVEL',
      syncIntervalSeconds: 'user settings',
      retryBaseMs: 'default',
    });
  });

  it('enforced policy beats everything', () => {
    const config = resolveConfig([
      flagLayer({ product: 'flag' }),
      fileLayer(vendorFile({ product: 'file' })),
      objectLayer('policy', { product: 'policy' }, 'policy /etc/varsync/policy.json'),
    ]);
    expect(config.values.product).toBe('policy');
    expect(config.sources.product).toBe('policy /etc/varsync/policy.json');
  });

  it('defaults the data folder to the OS place', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/varsync');
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toMatch(/Varsync$/);
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Varsync$/);
  });

  it('redacts secrets when describing, and keeps values otherwise', () => {
    const config = resolveConfig([
      envLayer({
        VARSYNC_SHARED_KEY: 'very-secret',
        VARSYNC_PASSWORD: 'pw',
        VARSYNC_PRODUCT: 'p',
        VARSYNC_CLIENT_SECRET: 'cs',
      }),
    ]);
    const described = Object.fromEntries(describeConfig(config).map(({ key, value }) => [key, value]));
    expect(described).toMatchObject({
      sharedKey: '[redacted]',
      password: '[redacted]',
      clientSecret: '[redacted]',
      product: 'p',
    });
    expect(JSON.stringify(describeConfig(config))).not.toMatch(/very-secret|"pw"|"cs"/);
  });
});

describe('bad configuration stops start-up with file, key and problem', () => {
  it.each([
    ['{ "product": ', /^config file .*varsync\.vendor\.json: not valid JSON/],
    ['[1]', /must hold a JSON object of settings/],
    [{ colour: 'red' }, /^config file .*: key "colour" is not a setting; the settings are: apiUrl/],
    [{ Product: 'x' }, /key "Product" is not a setting; did you mean "product"\?/],
    [{ batchSize: 'ten' }, /^config file .*: key "batchSize": .*number.* \(got "ten"\)\.$/],
    [{ batchSize: 5000 }, /key "batchSize": .*1000/],
    [{ apiUrl: 'ftp://x' }, /key "apiUrl"/],
    [{ sharedKey: 5 }, /key "sharedKey": [^(]*\.$/], // never echoes a secret's value
    [{ locale: 'not a tag!' }, /key "locale": expected a language tag such as de, fr-CA or ar \(BCP 47\)/],
  ])('%j', (content, message) => {
    expect(() => fileLayer(vendorFile(content))).toThrow(message);
  });

  it('an unreadable file names the file and the reason', () => {
    expect(() => fileLayer('/nonexistent/varsync.json')).toThrow(
      /^config file \/nonexistent\/varsync\.json: cannot be read \(ENOENT\)/,
    );
  });

  it('environment: unknown VARSYNC_ names and bad values name the variable', () => {
    expect(() => envLayer({ VARSYNC_PRODCT: 'x' })).toThrow(
      /^environment variable VARSYNC_PRODCT is not a Varsync setting/,
    );
    expect(() => envLayer({ VARSYNC_BATCH_SIZE: 'many' })).toThrow(
      /^environment variable VARSYNC_BATCH_SIZE: .* \(got "many"\)\.$/,
    );
    expect(envLayer({ VARSYNC_AUTO_ACTIVATE: 'no', VARSYNC_CONFIG: '/x' }).values).toEqual({ autoActivate: false });
    expect(envLayer({ VARSYNC_LOCALE: 'de-CH' }).values).toEqual({ locale: 'de-CH' });
  });

  it('flags: unknown flags and bad values name the flag', () => {
    expect(() => flagLayer({ 'batch-size': '-1' })).toThrow(/^--batch-size: /);
    expect(() => flagLayer({ colour: 'x' })).toThrow(/^--colour is not an option/);
  });

  it('inconsistent timings are refused', () => {
    expect(() => resolveConfig([envLayer({ VARSYNC_RETRY_BASE_MS: '5000', VARSYNC_RETRY_MAX_MS: '100' })])).toThrow(
      ConfigError,
    );
  });
});

describe('what talking to the server needs', () => {
  it('lists everything missing at once', () => {
    expect(serverSettingsProblem(resolveConfig([]))).toMatch(
      /missing the product .*; a license key .* or a username .*; credentials/,
    );
  });
  it('refuses both schemes at once, and half a scheme', () => {
    const both = resolveConfig([
      envLayer({
        VARSYNC_PRODUCT: 'p',
        VARSYNC_LICENSE_KEY: 'k',
        VARSYNC_API_KEY: 'a',
        VARSYNC_SHARED_KEY: 's',
        VARSYNC_CLIENT_ID: 'c',
        VARSYNC_CLIENT_SECRET: 'x',
      }),
    ]);
    expect(serverSettingsProblem(both)).toMatch(/either an API key and shared key, or an OAuth client/);
    const half = resolveConfig([envLayer({ VARSYNC_PRODUCT: 'p', VARSYNC_USERNAME: 'u', VARSYNC_API_KEY: 'a' })]);
    expect(serverSettingsProblem(half)).toBe(
      'Varsync is not fully configured: missing the shared key (VARSYNC_SHARED_KEY).',
    );
    const oauth = resolveConfig([
      envLayer({ VARSYNC_PRODUCT: 'p', VARSYNC_USERNAME: 'u', VARSYNC_CLIENT_ID: 'c', VARSYNC_CLIENT_SECRET: 'x' }),
    ]);
    expect(serverSettingsProblem(oauth)).toBeUndefined();
  });
});
