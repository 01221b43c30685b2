// Reading a zip the way support will (yauzl, a maintained reader independent of the writer), and
// scanning text for a secret in the encodings it commonly travels in.
import yauzl from 'yauzl';

/** Every entry of the zip at `path`, by name, uncompressed. */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** `secret` as it is, and base64, base64url, URL- and form-encoded, and hex (both cases). */
export function commonEncodings(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    plain: secret,
    base64: bytes.toString('base64'),
    'base64 unpadded': bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    'URL-encoded': encodeURIComponent(secret),
    'form-encoded': new URLSearchParams({ v: secret }).toString().slice(2),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
  };
}

/** Where `text` shows any of `secrets` in any common encoding: ["what (encoding)", ...]. */
export function leaks(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [what, secret] of Object.entries(secrets)) {
    for (const [encoding, form] of Object.entries(commonEncodings(secret))) {
      if (text.includes(form)) found.push(`${what} (${encoding})`);
    }
  }
  return found;
}
