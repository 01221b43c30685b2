// A TLS-inspecting proxy, as corporate firewalls do it: it accepts CONNECT, presents its own
// certificate for the requested host (signed by its own CA, which the device does not trust),
// and forwards to the real server over a second TLS connection.
import { createServer, type Server } from 'node:http';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  createCertificateAuthority,
  createServerCertificate,
  type CertificateAuthority,
} from '../../../emulator/index.js';

export interface InspectingProxy {
  url: string;
  /** The proxy's own CA (the "foreign issuer" support must see in the self-test). */
  ca: CertificateAuthority;
  close(): Promise<void>;
}

/** `upstreamCaFile`: the CA the proxy trusts for the real server. */
export async function startInspectingProxy(upstreamCaFile: string): Promise<InspectingProxy> {
  const ca = createCertificateAuthority('Example Corp Inspection CA');
  const certificate = createServerCertificate(ca);
  const upstreamCa = readFileSync(upstreamCaFile, 'utf8');
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket) => {
    sockets.add(client);
    const [host, port] = (req.url ?? '').split(':');
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const inside = new TLSSocket(client, { isServer: true, key: certificate.key, cert: certificate.cert });
    const upstream = tlsConnect({ host, port: Number(port), ca: upstreamCa });
    sockets.add(upstream);
    inside.pipe(upstream).pipe(inside);
    const end = () => {
      inside.destroy();
      upstream.destroy();
    };
    inside.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ca,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
