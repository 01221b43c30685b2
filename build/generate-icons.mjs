// Draws the application icon (a white pair of sync arrows round a dot, on a blue rounded square)
// and writes every file the installers need, so that no build machine has to convert icons
// (electron-builder would download a conversion tool for that):
// - build/icon.png: 1024x1024, the master (macOS wants at least 512, recommends 1024)
// - build/icons/NxN.png: 16 to 1024, the Linux icon set (AppImage, deb, tar.gz desktop entries)
// - build/icon.ico: 16 to 256, PNG-compressed entries (Windows exe, NSIS, MSI)
// - build/icon.icns: 128 to 1024 with the @2x variants, PNG entries (macOS app, dmg)
// - renderer/icon.png: 32x32, the status page's favicon (a PNG: Chromium builds a whole SVG
//   document on the page's main thread for an SVG one, about 20 ms as the first screen arrives)
// Run `node build/generate-icons.mjs` after changing the drawing; the files are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodePng } from '../scripts/png.mjs';

const TOP = [52, 132, 250]; // the tray's "syncing" blue, lighter at the top
const BOTTOM = [26, 86, 196];
const SAMPLES = 4; // 4x4 samples per pixel: smooth edges at every size

const MARGIN = 0.09; // the rounded square leaves a margin, like the platforms' own icons
const CORNER = 0.2;
const RING_MID = 0.255;
const RING_HALF = 0.042;
const HEAD_HALF = 0.095; // half the arrowhead's base, across the ring
const HEAD_LENGTH = 0.5; // the arrowhead's length along the circle, in radians
const DOT = 0.07;
const ARCS = [
  [40, 170], // degrees, counter-clockwise from 3 o'clock; the arrows turn clockwise
  [220, 350],
];

const radians = (degrees) => (degrees * Math.PI) / 180;

function inRoundedSquare(x, y) {
  const low = MARGIN + CORNER;
  const high = 1 - MARGIN - CORNER;
  const dx = Math.max(low - x, 0, x - high);
  const dy = Math.max(low - y, 0, y - high);
  return x >= MARGIN && x <= 1 - MARGIN && y >= MARGIN && y <= 1 - MARGIN && dx * dx + dy * dy <= CORNER * CORNER;
}

function inTriangle(px, py, [ax, ay], [bx, by], [cx, cy]) {
  const side = (x1, y1, x2, y2) => (px - x2) * (y1 - y2) - (x1 - x2) * (py - y2);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

const onCircle = (angle, radius) => [0.5 + radius * Math.cos(angle), 0.5 - radius * Math.sin(angle)];

function inSymbol(x, y) {
  const dx = x - 0.5;
  const dy = 0.5 - y;
  const distance = Math.hypot(dx, dy);
  if (distance <= DOT) return true;
  let angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  if (angle < 0) angle += 360;
  for (const [from, to] of ARCS) {
    if (Math.abs(distance - RING_MID) <= RING_HALF && angle >= from && angle <= to) return true;
    const base = radians(from);
    const head = [
      onCircle(base, RING_MID - HEAD_HALF),
      onCircle(base, RING_MID + HEAD_HALF),
      onCircle(base - HEAD_LENGTH, RING_MID),
    ];
    if (inTriangle(x, y, ...head)) return true;
  }
  return false;
}

/** RGBA rows of the icon at size x size. */
function draw(size) {
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = [0]; // PNG filter: none
    for (let px = 0; px < size; px++) {
      let background = 0;
      let symbol = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!inRoundedSquare(x, y)) continue;
          background++;
          if (inSymbol(x, y)) symbol++;
        }
      }
      const coverage = background / (SAMPLES * SAMPLES);
      const white = background === 0 ? 0 : symbol / background;
      const t = (py + 0.5) / size;
      const blue = TOP.map((top, index) => top + (BOTTOM[index] - top) * t);
      row.push(...blue.map((channel) => Math.round(channel + (255 - channel) * white)), Math.round(coverage * 255));
    }
    rows.push(Buffer.from(row));
  }
  return Buffer.concat(rows);
}

function png(size) {
  return encodePng(size, draw(size));
}

/** A Windows icon: a directory of PNG-compressed images (Windows Vista and later). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(([size, data]) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map(([, data]) => data)]);
}

/** A macOS icon: 'icns', its length, then typed PNG elements. */
function icns(elements) {
  const parts = elements.map(([type, data]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((total, part) => total + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const images = new Map(sizes.map((size) => [size, png(size)]));
const here = (path) => new URL(path, import.meta.url);

writeFileSync(here('icon.png'), images.get(1024));
mkdirSync(here('icons/'), { recursive: true });
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024])
  writeFileSync(here(`icons/${size}x${size}.png`), images.get(size));
writeFileSync(here('../renderer/icon.png'), images.get(32));
writeFileSync(here('icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((size) => [size, images.get(size)])));
// The element types iconutil writes for PNG data: ic07-ic10 at 1x, ic11-ic14 the @2x of 16-256.
const ICNS_TYPES = [
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];
writeFileSync(here('icon.icns'), icns(ICNS_TYPES.map(([type, size]) => [type, images.get(size)])));
console.log('wrote build/icon.png, build/icons/*.png, build/icon.ico, build/icon.icns, renderer/icon.png');
