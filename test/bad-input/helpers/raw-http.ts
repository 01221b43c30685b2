// HTTP/1.1 over a bare loopback socket, byte for byte: requests node:http would refuse to send
// (bad framing, bad header text, bodies that stop short) and answers read as they come.
import { connect } from 'node:net';

/** How a message's body is framed: right, or wrong in one of the ways parsers must survive. */
export type BodyFraming =
  'length' | 'short' | 'long' | 'none' | 'chunked' | 'bad-chunked' | 'conflict' | 'length-and-chunked';

/** The framing header lines for `body` and the bytes to send after the blank line. */
export function frameBody(framing: BodyFraming, body: Buffer): { headerLines: string[]; payload: Buffer } {
  switch (framing) {
    case 'length':
      return { headerLines: [`Content-Length: ${body.length}`], payload: body };
    case 'short':
      return { headerLines: [`Content-Length: ${Math.max(0, body.length - 3)}`], payload: body };
    case 'long':
      return { headerLines: [`Content-Length: ${body.length + 10}`], payload: body };
    case 'none':
      return { headerLines: [], payload: body };
    case 'chunked':
      return {
        headerLines: ['Transfer-Encoding: chunked'],
        payload: Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]),
      };
    case 'bad-chunked':
      return { headerLines: ['Transfer-Encoding: chunked'], payload: Buffer.concat([Buffer.from('zz\r\n'), body]) };
    case 'conflict':
      return { headerLines: [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`], payload: body };
    case 'length-and-chunked':
      return { headerLines: [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], payload: body };
  }
}

export interface RawExchange {
  /** Status of the first answer, or undefined when the server closed or reset without one. */
  status: number | undefined;
  headers: Map<string, string>;
  body: string;
  /** The server reset the connection (for example while a too-large body was still being sent). */
  reset: boolean;
}

/**
 * Send `bytes` and read until the server closes (the request says Connection: close; a
 * server-sent event stream ends the read at its headers). `halfClose` ends our side after
 * sending, the only way to say a body stops short (node:http then drops the request, by
 * design). Rejects only if nothing at all happens within `timeoutMs`.
 */
export function exchange(port: number, bytes: Buffer, timeoutMs: number, halfClose = false): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let reset = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks), reset));
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(
        new Error(
          `hang: no answer and no close within ${timeoutMs} ms (${chunks.length > 0 ? 'part of an answer arrived' : 'nothing arrived'})`,
        ),
      );
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (halfClose) socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0 && /\r\ncontent-type: text\/event-stream/i.test(text.slice(0, end))) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', finish);
  });
}

function parseAnswer(raw: Buffer, reset: boolean): RawExchange {
  const head = raw.toString('latin1'); // one character per byte: indexes are byte offsets
  const end = head.indexOf('\r\n\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers = new Map<string, string>();
  if (!statusLine || end < 0) return { status: undefined, headers, body: '', reset };
  for (const line of head.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(end + 4);
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = unchunk(body);
  return { status: Number(statusLine[1]), headers, body: body.toString('utf8'), reset };
}

function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const line = raw.indexOf('\r\n', at);
    if (line < 0) break;
    const size = parseInt(raw.subarray(at, line).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(line + 2, line + 2 + size));
    at = line + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
