// Draws icon.png, the MCP Bundle's icon (512×512, the size Claude Desktop recommends): a white
// speech bubble with three rising bars, an SMS report, on a blue rounded square. Drawn from
// shapes, so the picture is reviewable as code and needs no image tool.
//
//   node scripts/icon.mjs [--out path/to/icon.png]
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
/** Samples per pixel side, for smooth edges. */
const SUPERSAMPLE = 4;
const BLUE = [30, 90, 168];
const WHITE = [255, 255, 255];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(ROOT, 'icon.png'));

/** Whether (x, y) lies in the rectangle with rounded corners of radius r. */
function inRoundedRect(x, y, left, top, right, bottom, r) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + r), right - r);
  const cy = Math.min(Math.max(y, top + r), bottom - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Whether (x, y) lies in the triangle a, b, c. */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const side = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

const BARS = [
  [176, 300, 224, 352],
  [240, 250, 288, 352],
  [304, 196, 352, 352],
];

/** The colour at a point of the 512-unit canvas, or undefined where it is transparent. */
function colourAt(x, y) {
  if (!inRoundedRect(x, y, 16, 16, 496, 496, 96)) return undefined;
  const bubble = inRoundedRect(x, y, 104, 120, 408, 392, 56) || inTriangle(x, y, [150, 380], [230, 380], [140, 450]);
  if (!bubble) return BLUE;
  return BARS.some(([left, top, right, bottom]) => inRoundedRect(x, y, left, top, right, bottom, 8)) ? BLUE : WHITE;
}

const rows = [];
for (let py = 0; py < SIZE; py += 1) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let px = 0; px < SIZE; px += 1) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SUPERSAMPLE; sy += 1) {
      for (let sx = 0; sx < SUPERSAMPLE; sx += 1) {
        const colour = colourAt(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
        if (!colour) continue;
        for (let channel = 0; channel < 3; channel += 1) sum[channel] += colour[channel];
        sum[3] += 1;
      }
    }
    const offset = 1 + px * 4;
    // Colour averaged over the covered samples only, so edges fade in alpha, not towards black.
    for (let channel = 0; channel < 3; channel += 1) row[offset + channel] = sum[3] ? Math.round(sum[channel] / sum[3]) : 0;
    row[offset + 3] = Math.round((255 * sum[3]) / SUPERSAMPLE ** 2);
  }
  rows.push(row);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
process.stdout.write(`icon: wrote ${out} (${SIZE}×${SIZE}, ${png.length} bytes)\n`);
