// Draws the tray icons: a coloured dot per state, 16x16 and 32x32 (@2x), as PNG files beside
// this script. Run `node assets/tray/generate.mjs` after changing a colour; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const COLOURS = {
  synced: [46, 158, 68], // green
  syncing: [45, 127, 249], // blue
  pending: [230, 167, 0], // amber: waiting to send, or offline
  attention: [217, 48, 37], // red: a person must act
  paused: [138, 138, 138], // grey
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An anti-aliased dot with a darker rim, on a transparent background (RGBA). */
function dot(size, [r, g, b]) {
  const rows = [];
  const centre = size / 2;
  const radius = size * 0.4;
  const rim = Math.max(1, size / 16);
  for (let y = 0; y < size; y++) {
    const row = [0]; // filter: none
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x + 0.5 - centre, y + 0.5 - centre);
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      const shade = distance > radius - rim ? 0.7 : 1;
      row.push(Math.round(r * shade), Math.round(g * shade), Math.round(b * shade), Math.round(alpha * 255));
    }
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [name, colour] of Object.entries(COLOURS)) {
  writeFileSync(new URL(`${name}.png`, import.meta.url), dot(16, colour));
  writeFileSync(new URL(`${name}@2x.png`, import.meta.url), dot(32, colour));
}
