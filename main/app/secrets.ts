// The desktop app keeps the secrets a vendor file handed over (main/core/secrets) encrypted with
// Electron's safeStorage: DPAPI on Windows, the Keychain on macOS, libsecret/kwallet on Linux.
// Where safeStorage has no real key (Linux without a keyring: the "basic_text" backend), the
// owner-only file is used instead, which says plainly what it is. Call after app 'ready'.
import { safeStorage } from 'electron';
import { secretStoreFor, type SecretCipher, type SecretStore } from '../core/secrets/secret-store.js';

/** What of safeStorage is used (tests pass a stand-in). */
interface SafeStorage {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend(): string;
  encryptString(text: string): Buffer;
  decryptString(data: Buffer): string;
}

export function safeStorageCipher(
  storage: SafeStorage = safeStorage,
  platform: NodeJS.Platform = process.platform,
): SecretCipher | undefined {
  if (!storage.isEncryptionAvailable()) return undefined;
  if (platform === 'linux' && storage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return {
    name: 'safeStorage',
    encrypt: (text) => storage.encryptString(text),
    decrypt: (data) => storage.decryptString(data),
  };
}

/** The secret store of a data folder, for the configuration (main/core/config/load.ts). */
export function appSecretStore(dataDir: string, onNotice: (line: string) => void): SecretStore {
  return secretStoreFor(dataDir, { cipher: safeStorageCipher(), onNotice });
}
