// A private certificate authority and a server certificate signed by it, made with the `openssl`
// command in a temporary folder: what `npm run emulator -- --tls` serves, and what tests use to
// try `caFile`, an expired or wrong-name certificate, or an inspecting proxy's foreign CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';

export interface CertificateAuthority {
  /** The CA certificate's PEM file: what `caFile` / VARSYNC_CA_FILE points at. */
  caFile: string;
  caKeyFile: string;
  name: string;
  dir: string;
}

export interface ServerCertificate {
  /** PEM private key and certificate, for https.createServer / tls.createServer. */
  key: string;
  cert: string;
  /** The CA that signed it. */
  ca: CertificateAuthority;
}

export interface ServerCertificateOptions {
  /** Names and addresses the certificate is for (default 127.0.0.1, localhost). */
  names?: string[];
  /** Already expired when made (its validity ends a day before it starts). */
  expired?: boolean;
}

/** A new CA in a new temporary folder (or `dir`). */
export function createCertificateAuthority(name = 'Varsync Emulator Test CA', dir?: string): CertificateAuthority {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'varsync-ca-'));
  const caFile = join(folder, 'ca.pem');
  const caKeyFile = join(folder, 'ca.key');
  openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-nodes',
    '-keyout',
    caKeyFile,
    '-out',
    caFile,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { caFile, caKeyFile, name, dir: folder };
}

/** A server certificate for `names`, signed by `ca`. */
export function createServerCertificate(
  ca: CertificateAuthority,
  options: ServerCertificateOptions = {},
): ServerCertificate {
  const names = options.names ?? ['127.0.0.1', 'localhost'];
  const base = join(ca.dir, `server-${names[0]!.replace(/[^\w.-]/g, '_')}${options.expired ? '-expired' : ''}`);
  const alt = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  writeFileSync(
    `${base}.ext`,
    `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl([
    'req',
    '-new',
    ...EC_KEY,
    '-nodes',
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
    '-subj',
    `/CN=${names[0]}`,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    ca.caFile,
    '-CAkey',
    ca.caKeyFile,
    '-CAcreateserial',
    '-out',
    `${base}.pem`,
    // A negative count ends the validity before it starts: expired from the first second.
    '-days',
    options.expired ? '-1' : '30',
    '-extfile',
    `${base}.ext`,
  ]);
  return { key: readFileSync(`${base}.key`, 'utf8'), cert: readFileSync(`${base}.pem`, 'utf8'), ca };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'The emulator needs the openssl command to make certificates for --tls; install OpenSSL.'
        : `openssl ${args[0]} failed: ${said ?? 'no message'}`,
    );
  }
}
