// The self-test's steps against a server that accepts the connection and then never speaks (a
// half-open firewall, a stuck proxy): the TLS step ends at the timeout, says so, and the test
// leaves no connection open behind it (the window may run it again and again).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeTransport } from '../../main/core/api/transport.js';
import { runNetworkCheck } from '../../main/core/diagnostics/network-check.js';
import { eventually } from '../helpers/agent.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('the network self-test', () => {
  it('a server that never answers the handshake: the TLS step times out and every connection is closed', async () => {
    const open = new Set<Socket>();
    let accepted = 0;
    server = createServer((socket) => {
      accepted++;
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
      // Read (and drop) what comes: only a socket that reads sees the other side close.
      socket.resume();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const check = await runNetworkCheck({
      apiUrl: `https://127.0.0.1:${port}`,
      transport: nodeTransport({ proxy: 'direct' }),
      timeoutMs: 500,
    });
    expect(check.tcp).toMatchObject({ ok: true, to: `127.0.0.1:${port}` });
    expect(check.tls).toMatchObject({ ok: false, authorized: false, chain: [], error: 'no answer in 500 ms' });
    expect(check.wellKnown.ok).toBe(false);
    // TCP, the handshake and the .well-known request each connected; none stays open.
    expect(accepted).toBe(3);
    await eventually(
      () => open.size,
      (size) => size === 0,
    );
  });
});
