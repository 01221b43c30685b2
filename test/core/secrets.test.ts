// Secrets (license key, password, shared key, client secret): kept in a file only its owner may
// read (0600, repaired when wider, refused when someone else's, written atomically), or encrypted
// with Electron's safeStorage in the desktop app; imported from the vendor file so that the file
// need not keep them; listed for the logs' redaction; never shown by `varsync config`.
import { chownSync, chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { loadConfig, VENDOR_FILE_NAME } from '../../main/core/config/load.js';
import { describeConfig } from '../../main/core/config/resolve.js';
import {
  FileSecretStore,
  secretStoreFor,
  SECRET_KEYS,
  type SecretCipher,
} from '../../main/core/secrets/secret-store.js';
import { safeStorageSecrets } from '../../main/app/secrets.js';
import { safeStorage as fakeSafeStorage, resetFakeElectron } from '../app/helpers/fake-electron.js';
import { tempDir } from '../helpers/agent.js';

vi.mock('electron', () => import('../app/helpers/fake-electron.js'));

const posix = process.platform !== 'win32';
const mode = (path: string) => statSync(path).mode & 0o777;
const SECRET = 'sk_live_9f8e7d6c5b4a';

const fakeCipher: SecretCipher = {
  name: 'test-cipher',
  encrypt: (text) => Buffer.from([...Buffer.from(text)].reverse().map((byte) => byte ^ 0x33)),
  decrypt: (data) => Buffer.from([...data].map((byte) => byte ^ 0x33).reverse()).toString(),
};

afterEach(() => resetFakeElectron());

describe('the owner-only file', () => {
  it('is written atomically with mode 600, in a folder it creates owner-only, and read back', () => {
    const dataDir = join(tempDir(), 'data');
    const store = secretStoreFor(dataDir);
    expect(store.read()).toEqual({});
    store.write({ sharedKey: { value: SECRET, from: 'file /v.json (sharedKey)' } });
    expect(store.path).toBe(join(dataDir, 'secrets.json'));
    if (posix) {
      expect(mode(store.path)).toBe(0o600);
      expect(mode(dataDir)).toBe(0o700);
    }
    expect(readdirSync(dataDir)).toEqual(['secrets.json']); // no temporary file left behind
    expect(store.read()).toEqual({ sharedKey: { value: SECRET, from: 'file /v.json (sharedKey)' } });
    store.write({ licenseKey: { value: 'K-1', from: 'x' } });
    expect(store.read()).toEqual({ licenseKey: { value: 'K-1', from: 'x' } });
    store.write({});
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('keeps the old content when a write cannot finish (a stale temporary file is replaced, never read)', () => {
    const dataDir = tempDir();
    const store = secretStoreFor(dataDir);
    store.write({ password: { value: 'old', from: 'x' } });
    writeFileSync(`${store.path}.${process.pid}.tmp`, 'half-written');
    store.write({ password: { value: 'new', from: 'x' } });
    expect(store.read().password?.value).toBe('new');
    expect(readdirSync(dataDir)).toEqual(['secrets.json']);
  });

  it.skipIf(!posix)('repairs wider permissions, and says so', () => {
    const store = secretStoreFor(tempDir(), { onNotice: (line) => notices.push(line) });
    const notices: string[] = [];
    store.write({ clientSecret: { value: SECRET, from: 'x' } });
    chmodSync(store.path, 0o644);
    expect(store.read().clientSecret?.value).toBe(SECRET);
    expect(mode(store.path)).toBe(0o600);
    expect(notices).toEqual([
      `secret store ${store.path} was readable by others (mode 644); it is now readable by its owner only (600).`,
    ]);
  });

  it.skipIf(!posix || process.getuid?.() !== 0)('refuses a file that belongs to another user', () => {
    const store = secretStoreFor(tempDir());
    store.write({ sharedKey: { value: SECRET, from: 'x' } });
    chownSync(store.path, 4321, 4321);
    expect(() => store.read()).toThrow(
      `secret store ${store.path} belongs to another user (uid 4321); remove it or run Varsync as that user.`,
    );
  });

  it('refuses a damaged file, naming it and what to do', () => {
    const store = secretStoreFor(tempDir());
    writeFileSync(store.path, '{ nope', { mode: 0o600 });
    expect(() => store.read()).toThrow(
      `secret store ${store.path} is damaged (not JSON). Deleting it is safe when the vendor file still holds the secrets: they are imported again.`,
    );
  });

  it('lists the secret keys', () => {
    expect(SECRET_KEYS).toEqual(['licenseKey', 'password', 'sharedKey', 'clientSecret']);
  });
});

describe('encrypted (safeStorage in the desktop app)', () => {
  it('holds only ciphertext on disk, and needs the same cipher to read', () => {
    const dataDir = tempDir();
    const store = secretStoreFor(dataDir, { cipher: fakeCipher });
    store.write({ sharedKey: { value: SECRET, from: 'file /v.json (sharedKey)' } });
    expect(store.path).toBe(join(dataDir, 'secrets.safe.json'));
    expect(store.description).toBe(`test-cipher-encrypted file ${store.path}`);
    const onDisk = readFileSync(store.path, 'utf8');
    expect(onDisk).not.toContain(SECRET);
    expect(onDisk).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(JSON.parse(onDisk)).toMatchObject({ version: 1, cipher: 'test-cipher' });
    if (posix) expect(mode(store.path)).toBe(0o600);
    expect(store.read()).toEqual({ sharedKey: { value: SECRET, from: 'file /v.json (sharedKey)' } });
    expect(() => new FileSecretStore(store.path).read()).toThrow(
      /is encrypted with test-cipher, which is not available here/,
    );
    const other: SecretCipher = {
      ...fakeCipher,
      decrypt: () => {
        throw new Error('bad key');
      },
    };
    expect(() => new FileSecretStore(store.path, { cipher: other }).read()).toThrow(
      /cannot be decrypted with test-cipher \(was the OS keychain reset\?\)/,
    );
  });

  it('uses safeStorage where it has a real key, the owner-only file where it has none', async () => {
    expect(await safeStorageSecrets(fakeSafeStorage, 'linux')).toBeDefined();
    fakeSafeStorage.backend = 'basic_text'; // Linux without a keyring: a hard-coded key
    expect(await safeStorageSecrets(fakeSafeStorage, 'linux')).toBeUndefined();
    expect(await safeStorageSecrets(fakeSafeStorage, 'win32')).toBeDefined();
    fakeSafeStorage.available = false;
    expect(await safeStorageSecrets(fakeSafeStorage, 'darwin')).toBeUndefined();
    expect(fakeSafeStorage.deprecatedCalls).toEqual([]);
  });

  /** The app's steps around loading the configuration (agent-setup.ts): prepare, open, flush. */
  async function appStore(dataDir: string) {
    const secrets = (await safeStorageSecrets(fakeSafeStorage, 'linux'))!;
    await secrets.prepare(dataDir);
    return { secrets, store: secrets.open(dataDir, () => {}) };
  }

  it('round-trips through safeStorage’s asynchronous API only (the synchronous one is deprecated in Electron 45)', async () => {
    const dataDir = tempDir();
    const { secrets, store } = await appStore(dataDir);
    expect(store.description).toMatch(/^safeStorage-encrypted file .*secrets\.safe\.json$/);
    store.write({ licenseKey: { value: 'LIC-123-456', from: 'x' } });
    await secrets.flush();
    expect(readFileSync(join(dataDir, 'secrets.safe.json'), 'utf8')).not.toContain('LIC-123-456');
    expect((await appStore(dataDir)).store.read().licenseKey?.value).toBe('LIC-123-456');
    expect(fakeSafeStorage.deprecatedCalls).toEqual([]);
  });

  it('encrypts again when safeStorage says the key was rotated (shouldReEncrypt)', async () => {
    const dataDir = tempDir();
    const first = await appStore(dataDir);
    first.store.write({ licenseKey: { value: 'LIC-123-456', from: 'x' } });
    await first.secrets.flush();
    const file = () => JSON.parse(readFileSync(join(dataDir, 'secrets.safe.json'), 'utf8')) as { data: string };
    const made = (data: string) => Buffer.from(data, 'base64').subarray(0, 12).toString('latin1');
    expect(made(file().data)).toBe('fake-safe:v1');

    fakeSafeStorage.rotateKey();
    const second = await appStore(dataDir);
    expect(second.store.read().licenseKey?.value).toBe('LIC-123-456');
    await second.secrets.flush();
    expect(made(file().data)).toBe('fake-safe:v2');
    expect((await appStore(dataDir)).store.read().licenseKey?.value).toBe('LIC-123-456');
  });

  it('reports a file the keychain cannot decrypt any more, naming it', async () => {
    const dataDir = tempDir();
    const first = await appStore(dataDir);
    first.store.write({ licenseKey: { value: 'LIC-123-456', from: 'x' } });
    await first.secrets.flush();
    const path = join(dataDir, 'secrets.safe.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { data: string };
    writeFileSync(path, JSON.stringify({ ...file, data: Buffer.from('garbage').toString('base64') }), { mode: 0o600 });
    const { store } = await appStore(dataDir);
    expect(() => store.read()).toThrow(/cannot be decrypted with safeStorage \(was the OS keychain reset\?\)/);
  });
});

describe('how secrets get in: the vendor file hands them over', () => {
  function vendor(content: unknown) {
    const root = tempDir('varsync-secrets-');
    const appDir = join(root, 'app');
    mkdirSync(appDir);
    const file = join(appDir, VENDOR_FILE_NAME);
    writeFileSync(file, JSON.stringify(content));
    const dataDir = join(root, 'data');
    return { file, dataDir, inputs: { env: { VARSYNC_DATA_DIR: dataDir }, locations: { appDirs: [appDir] } } };
  }

  it('are kept in the store at the first start, and used from there once removed from the file', () => {
    const { file, dataDir, inputs } = vendor({ product: 'p', apiKey: 'AK', sharedKey: SECRET, licenseKey: 'LIC-1' });
    const first = loadConfig(inputs);
    expect(first.sources.sharedKey).toBe(`file ${file} (sharedKey)`);
    const stored = secretStoreFor(dataDir).read();
    expect(stored).toEqual({
      licenseKey: { value: 'LIC-1', from: `file ${file} (licenseKey)` },
      sharedKey: { value: SECRET, from: `file ${file} (sharedKey)` },
    });

    writeFileSync(file, JSON.stringify({ product: 'p', apiKey: 'AK' })); // the installer removes the secrets
    const later = loadConfig(inputs);
    expect(later.values).toMatchObject({ sharedKey: SECRET, licenseKey: 'LIC-1' });
    expect(later.sources.sharedKey).toBe(
      `secret store owner-only file ${join(dataDir, 'secrets.json')} (imported from file ${file} (sharedKey))`,
    );
    // At the vendor file's rank still: the environment does not take over.
    expect(loadConfig({ ...inputs, env: { ...inputs.env, VARSYNC_LICENSE_KEY: 'ENV-LIC' } }).values.licenseKey).toBe(
      'LIC-1',
    );
    expect(later.secretValues).toEqual(expect.arrayContaining([SECRET, 'LIC-1']));
  });

  it('a changed secret in the file replaces the stored one; the other way of signing in drops the stale one', () => {
    const { file, dataDir, inputs } = vendor({ product: 'p', apiKey: 'AK', sharedKey: 'old-shared', username: 'u' });
    loadConfig(inputs);
    writeFileSync(file, JSON.stringify({ product: 'p', apiKey: 'AK', sharedKey: 'new-shared', username: 'u' }));
    loadConfig(inputs);
    expect(secretStoreFor(dataDir).read().sharedKey?.value).toBe('new-shared');
    writeFileSync(file, JSON.stringify({ product: 'p', clientId: 'cid', clientSecret: 'oauth-secret', username: 'u' }));
    const switched = loadConfig(inputs);
    expect(switched.values.sharedKey).toBeUndefined();
    expect(Object.keys(secretStoreFor(dataDir).read())).toEqual(['clientSecret']);
  });

  it('environment variables are used, never stored', () => {
    const { dataDir, inputs } = vendor({ product: 'p' });
    const config = loadConfig({ ...inputs, env: { ...inputs.env, VARSYNC_SHARED_KEY: SECRET } });
    expect(config.values.sharedKey).toBe(SECRET);
    expect(secretStoreFor(dataDir).read()).toEqual({});
  });

  it('a store that cannot be written is reported, and start-up goes on with the file’s secrets', () => {
    const { inputs } = vendor({ product: 'p', sharedKey: SECRET });
    const config = loadConfig({
      ...inputs,
      secretStore: () => ({
        description: 'broken store',
        read: () => ({}),
        write: () => {
          throw Object.assign(new Error('read-only'), { code: 'EROFS' });
        },
      }),
    });
    expect(config.values.sharedKey).toBe(SECRET);
    expect(config.notices).toEqual([
      'secret store broken store: cannot be written (EROFS); the secrets stay only in the vendor file.',
    ]);
  });

  it('varsync config names the store as the source and never shows a secret', async () => {
    const { file, dataDir, inputs } = vendor({ product: 'p', apiKey: 'AK', sharedKey: SECRET });
    loadConfig(inputs);
    writeFileSync(file, JSON.stringify({ product: 'p', apiKey: 'AK' }));
    let stdout = '';
    const code = await runCli(['config'], {
      out: (text) => (stdout += text),
      err: () => {},
      env: inputs.env,
      stopSignal: new Promise(() => {}),
      locations: inputs.locations,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^sharedKey +\\[redacted\\] +secret store owner-only file ${join(dataDir, 'secrets.json')} \\(imported from file ${file} \\(sharedKey\\)\\)$`,
        'm',
      ),
    );
    expect(stdout).not.toContain(SECRET);
    expect(JSON.stringify(describeConfig(loadConfig(inputs)))).not.toContain(SECRET);
  });
});
