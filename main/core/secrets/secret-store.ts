// Where the agent keeps the secrets a vendor file handed it (license key, password, shared key,
// client secret), so that the file need not keep them: a file in the data folder that only its
// owner may read (0600; wider permissions are repaired, another owner is refused), written
// atomically. The Electron shell passes a cipher backed by safeStorage (main/app/secrets.ts), so
// there the file holds only what the OS keychain (DPAPI, Keychain, libsecret) can decrypt.
import { accessSync, constants, lstatSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { ConfigError } from '../config/resolve.js';
import { CONFIG_KEY_NAMES, isSecret, type CONFIG_KEYS, type ConfigKey } from '../config/keys.js';
import { failureCode } from '../failure-code.js';

/** The configuration keys marked secret in keys.ts: never logged, never in diagnostics, kept here. */
export type SecretKey = { [K in ConfigKey]: (typeof CONFIG_KEYS)[K] extends { secret: true } ? K : never }[ConfigKey];
export const SECRET_KEYS = CONFIG_KEY_NAMES.filter((key): key is SecretKey => isSecret(key));

export interface StoredSecret {
  value: string;
  /** Where it was imported from (the vendor file and key), shown by `varsync config`. */
  from: string;
}

export type StoredSecrets = Partial<Record<SecretKey, StoredSecret>>;

/** The core's view of a secret store; the shells choose the implementation. */
export interface SecretStore {
  /** What and where, for `varsync config` ("owner-only file /x/secrets.json"). */
  readonly description: string;
  /** The stored secrets; nothing stored reads as {}. */
  read(): StoredSecrets;
  /** Replace the stored secrets (an empty object removes the file). */
  write(secrets: StoredSecrets): void;
}

/** Encryption by the OS's keychain (Electron's safeStorage); the core never sees the key. */
export interface SecretCipher {
  readonly name: string;
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

export const PLAIN_SECRETS_FILE = 'secrets.json';
export const ENCRYPTED_SECRETS_FILE = 'secrets.safe.json';

interface SecretsFile {
  version: 1;
  /** Present when encrypted: the cipher's name and the base64 ciphertext of the secrets' JSON. */
  cipher?: string;
  data?: string;
  secrets?: StoredSecrets;
}

export interface FileSecretStoreOptions {
  cipher?: SecretCipher;
  /** Told when the file's permissions were repaired (one line). */
  onNotice?: (line: string) => void;
  platform?: NodeJS.Platform;
}

/** The store for a data folder: encrypted when a cipher is given, owner-only plain JSON otherwise. */
export function secretStoreFor(dataDir: string, options: FileSecretStoreOptions = {}): FileSecretStore {
  return new FileSecretStore(join(dataDir, options.cipher ? ENCRYPTED_SECRETS_FILE : PLAIN_SECRETS_FILE), options);
}

export class FileSecretStore implements SecretStore {
  readonly description: string;
  private readonly platform: NodeJS.Platform;

  constructor(
    readonly path: string,
    private readonly options: FileSecretStoreOptions = {},
  ) {
    this.platform = options.platform ?? process.platform;
    this.description = options.cipher ? `${options.cipher.name}-encrypted file ${path}` : `owner-only file ${path}`;
  }

  read(): StoredSecrets {
    try {
      accessSync(dirname(this.path), constants.R_OK | constants.X_OK);
    } catch {
      return {}; // a data folder that cannot be used is reported by the database, with what to do
    }
    let text: string;
    try {
      this.checkPermissions();
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const code = failureCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return {};
      throw this.problem(`cannot be read (${code ?? (error as Error).message})`);
    }
    let file: SecretsFile;
    try {
      file = JSON.parse(text) as SecretsFile;
    } catch {
      throw this.problem('is damaged (not JSON)');
    }
    if (file.cipher === undefined) return onlySecrets(file.secrets);
    const cipher = this.options.cipher;
    if (!cipher || cipher.name !== file.cipher)
      throw this.problem(`is encrypted with ${file.cipher}, which is not available here`);
    try {
      return onlySecrets(JSON.parse(cipher.decrypt(Buffer.from(file.data ?? '', 'base64'))) as StoredSecrets);
    } catch {
      throw this.problem(`cannot be decrypted with ${cipher.name} (was the OS keychain reset?)`);
    }
  }

  write(secrets: StoredSecrets): void {
    if (Object.keys(secrets).length === 0) {
      rmSync(this.path, { force: true });
      return;
    }
    const cipher = this.options.cipher;
    const file: SecretsFile = cipher
      ? { version: 1, cipher: cipher.name, data: cipher.encrypt(JSON.stringify(secrets)).toString('base64') }
      : { version: 1, secrets };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // A crash leaves the old file or the new one; the file is owner-only from its first byte.
    writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
  }

  /** POSIX only (Windows protects the per-user data folder with its ACL). */
  private checkPermissions(): void {
    if (this.platform === 'win32') return;
    const stat = lstatSync(this.path); // ENOENT: nothing stored
    if (stat.isSymbolicLink() || !stat.isFile()) throw this.problem('is not a regular file; remove it');
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid)
      throw this.problem(`belongs to another user (uid ${stat.uid}); remove it or run Varsync as that user`);
    if ((stat.mode & 0o077) !== 0) {
      chmodSync(this.path, 0o600);
      this.options.onNotice?.(
        `secret store ${this.path} was readable by others (mode ${(stat.mode & 0o777).toString(8)}); it is now readable by its owner only (600).`,
      );
    }
  }

  private problem(what: string): ConfigError {
    return new ConfigError(
      `secret store ${this.path} ${what}. Deleting it is safe when the vendor file still holds the secrets: they are imported again.`,
    );
  }
}

function onlySecrets(secrets: StoredSecrets | undefined): StoredSecrets {
  const kept: StoredSecrets = {};
  for (const key of SECRET_KEYS) {
    const entry = secrets?.[key];
    if (entry && typeof entry.value === 'string' && typeof entry.from === 'string')
      kept[key] = { value: entry.value, from: entry.from };
  }
  return kept;
}
