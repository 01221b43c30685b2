// The desktop app keeps the secrets a vendor file handed over (main/core/secrets) encrypted with
// Electron's safeStorage: DPAPI on Windows, the Keychain on macOS, libsecret/kwallet on Linux.
// Where safeStorage has no real key (Linux without a keyring: the "basic_text" backend), the
// owner-only file is used instead, which says plainly what it is.
//
// Only safeStorage's asynchronous API is used: Electron 45 deprecates isEncryptionAvailable,
// encryptString and decryptString (electron.d.ts, SafeStorage). The core's secret store is
// synchronous, so the file is decrypted before the configuration is read (prepare), and what the
// configuration wants written is encrypted and written after (flush). When safeStorage says the
// key was rotated (decryptStringAsync's shouldReEncrypt), the secrets are encrypted again.
import { safeStorage } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ENCRYPTED_SECRETS_FILE,
  secretStoreFor,
  type SecretCipher,
  type SecretStore,
  type StoredSecrets,
} from '../core/secrets/secret-store.js';

/** What of safeStorage is used (tests pass a stand-in). */
export interface AsyncSafeStorage {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  getSelectedStorageBackend(): string;
  encryptStringAsync(text: string): Promise<Buffer>;
  decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

const CIPHER_NAME = 'safeStorage';

/** The app's secret store, in three steps around the configuration's loading (agent-setup.ts). */
export interface AppSecrets {
  /** Decrypt what the data folder holds, before the configuration reads it. */
  prepare(dataDir: string): Promise<void>;
  /** The store the configuration reads and writes (ConfigInputs.secretStore). */
  open(dataDir: string, onNotice: (line: string) => void): SecretStore;
  /** Encrypt and write what the configuration stored, or re-encrypt after a key rotation. */
  flush(): Promise<void>;
}

/** safeStorage where it has a real key; undefined where the owner-only file must do. Call after app 'ready'. */
export async function safeStorageSecrets(
  storage: AsyncSafeStorage = safeStorage,
  platform: NodeJS.Platform = process.platform,
): Promise<AppSecrets | undefined> {
  if (!(await storage.isAsyncEncryptionAvailable())) return undefined;
  if (platform === 'linux' && storage.getSelectedStorageBackend() === 'basic_text') return undefined;

  // The core's cipher is synchronous: it answers from what was decrypted and encrypted here.
  const plain = new Map<string, string>(); // base64 ciphertext -> text
  const sealed = new Map<string, Buffer>(); // text -> ciphertext
  const cipher: SecretCipher = {
    name: CIPHER_NAME,
    decrypt: (data) => {
      const text = plain.get(data.toString('base64'));
      if (text === undefined) throw new Error('not decrypted');
      return text;
    },
    encrypt: (text) => {
      const data = sealed.get(text);
      if (!data) throw new Error('not encrypted');
      return data;
    },
  };
  let reEncrypt = false;
  let pending: { store: SecretStore; secrets: StoredSecrets } | undefined;
  let opened: SecretStore | undefined;
  let dir: string | undefined;

  return {
    async prepare(dataDir) {
      dir = dataDir;
      let file: { cipher?: string; data?: string };
      try {
        file = JSON.parse(readFileSync(join(dataDir, ENCRYPTED_SECRETS_FILE), 'utf8')) as typeof file;
      } catch {
        return; // none, or unreadable: the store says what is wrong when it reads
      }
      if (file.cipher !== CIPHER_NAME || typeof file.data !== 'string') return;
      try {
        const { result, shouldReEncrypt } = await storage.decryptStringAsync(Buffer.from(file.data, 'base64'));
        plain.set(file.data, result);
        reEncrypt = shouldReEncrypt;
      } catch {
        // The store reports it: "cannot be decrypted with safeStorage (was the OS keychain reset?)".
      }
    },
    open(dataDir, onNotice) {
      const store = secretStoreFor(dataDir, { cipher, onNotice });
      opened = dataDir === dir ? store : undefined;
      return {
        description: store.description,
        read: () => store.read(),
        write: (secrets) => {
          pending = { store, secrets };
        },
      };
    },
    async flush() {
      const target = pending ?? (reEncrypt && opened ? { store: opened, secrets: opened.read() } : undefined);
      pending = undefined;
      reEncrypt = false;
      if (!target) return;
      if (Object.keys(target.secrets).length > 0) {
        const text = JSON.stringify(target.secrets);
        sealed.set(text, await storage.encryptStringAsync(text));
      }
      target.store.write(target.secrets);
    },
  };
}
