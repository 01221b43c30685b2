// Draws the tray icons: a coloured dot per state, 16x16 and 32x32 (@2x), as PNG files beside
// this script. Run `node assets/tray/generate.mjs` after changing a colour; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { encodePng } from '../../scripts/png.mjs';

const COLOURS = {
  synced: [46, 158, 68], // green
  syncing: [45, 127, 249], // blue
  pending: [230, 167, 0], // amber: waiting to send, or offline
  attention: [217, 48, 37], // red: a person must act
  paused: [138, 138, 138], // grey
};

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
  return encodePng(size, Buffer.concat(rows));
}

for (const [name, colour] of Object.entries(COLOURS)) {
  writeFileSync(new URL(`${name}.png`, import.meta.url), dot(16, colour));
  writeFileSync(new URL(`${name}@2x.png`, import.meta.url), dot(32, colour));
}
