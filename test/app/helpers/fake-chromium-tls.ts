// How the fake session's fetch meets an https:// URL, modelled on Chromium's network stack as far
// as the app relies on it: the server's chain is verified against the "OS store" (here Node's
// bundled roots), the result is an errorCode from net_error_list.h, the session's certificate
// verify proc (if any) is asked with Electron's request shape, and its answer decides (0 accept,
// -3 Chromium's own result, anything else refuse). A refusal rejects as net.fetch does: an Error
// whose message is the net error's name. The request then travels over the verified connection.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { checkServerIdentity, connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';

export type VerifyProc = (request: unknown, callback: (result: number) => void) => void;

const NET_ERRORS: Record<number, string> = {
  [-200]: 'net::ERR_CERT_COMMON_NAME_INVALID',
  [-201]: 'net::ERR_CERT_DATE_INVALID',
  [-202]: 'net::ERR_CERT_AUTHORITY_INVALID',
};

export async function fetchOverVerifiedTls(
  input: string | Request,
  init: RequestInit | undefined,
  verifyProc: VerifyProc | null,
): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    const tls = connect(
      {
        host,
        port: Number(url.port || 443),
        servername: /^[\d.]+$|:/.test(host) ? undefined : host,
        rejectUnauthorized: false,
      },
      () => resolve(tls),
    );
    tls.once('error', () => reject(new Error('net::ERR_CONNECTION_REFUSED')));
  });
  const peer = socket.getPeerCertificate(true);
  const errorCode = chromiumErrorCode(socket, host, peer);
  const answer = verifyProc
    ? await new Promise<number>((resolve) =>
        verifyProc(
          {
            hostname: host,
            certificate: electronCertificate(peer),
            validatedCertificate: electronCertificate(peer),
            isIssuedByKnownRoot: errorCode === 0,
            verificationResult: errorCode === 0 ? 'OK' : NET_ERRORS[errorCode],
            errorCode,
          },
          resolve,
        ),
      )
    : -3;
  const accepted = answer === 0 || (answer === -3 && errorCode === 0);
  if (!accepted) {
    socket.destroy();
    throw new Error(NET_ERRORS[answer === -3 ? errorCode : -202] ?? 'net::ERR_CERT_INVALID');
  }
  const body =
    request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
  return new Promise<Response>((resolve, reject) => {
    // The request goes over the connection verified above (an agent that hands out that socket).
    const agent = new HttpsAgent();
    agent.createConnection = () => socket;
    const outgoing = httpsRequest(
      url,
      { method: request.method, headers: Object.fromEntries(request.headers), agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers))
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode, headers }));
          socket.destroy();
        });
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** Chromium's verdict in net_error_list.h terms, the most serious first as Chromium ranks them. */
function chromiumErrorCode(socket: TLSSocket, host: string, peer: DetailedPeerCertificate): number {
  if (socket.authorized) return checkServerIdentity(host, peer) ? -200 : 0;
  if (checkServerIdentity(host, peer)) return -200;
  if (String(socket.authorizationError) === 'CERT_HAS_EXPIRED') return -201;
  return -202;
}

export interface ElectronCertificate {
  data: string;
  issuerCert?: ElectronCertificate;
}

/** Electron's Certificate: PEM data, linked to its issuer. */
export function electronCertificate(peer: DetailedPeerCertificate): ElectronCertificate {
  const pem = (raw: Buffer) =>
    `-----BEGIN CERTIFICATE-----\n${raw
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END CERTIFICATE-----\n`;
  const certificate: ElectronCertificate = { data: pem(peer.raw) };
  if (peer.issuerCertificate && peer.issuerCertificate.fingerprint256 !== peer.fingerprint256)
    certificate.issuerCert = electronCertificate(peer.issuerCertificate);
  return certificate;
}
