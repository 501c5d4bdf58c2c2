// Draws the Teams app icons with pngjs: color.png (192×192, full colour) and outline.png (32×32,
// white on a transparent background, as Teams requires). Run: `node --import tsx scripts/app-icons.ts`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgba = readonly [number, number, number, number];
const ACCENT: Rgba = [0x1f, 0x5c, 0x99, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const PAPER_LINE: Rgba = [0x1f, 0x5c, 0x99, 255];
const CHECK: Rgba = [0x2e, 0x8b, 0x57, 255];

function canvas(size: number, fill: Rgba | null): PNG {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let i = 0; i < size * size; i++) png.data.set(fill ?? [0, 0, 0, 0], i * 4);
  return png;
}

function rect(png: PNG, x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
  for (let y = Math.max(0, y0); y < Math.min(png.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x1); x++) {
      png.data.set(c, (y * png.width + x) * 4);
    }
  }
}

/** A thick line from (x0,y0) to (x1,y1), drawn as squares along the segment. */
function line(png: PNG, x0: number, y0: number, x1: number, y1: number, w: number, c: Rgba): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
  for (let i = 0; i <= steps; i++) {
    const x = Math.round(x0 + ((x1 - x0) * i) / steps);
    const y = Math.round(y0 + ((y1 - y0) * i) / steps);
    rect(png, x - (w >> 1), y - (w >> 1), x - (w >> 1) + w, y - (w >> 1) + w, c);
  }
}

/** A document with text lines and a tick, on the accent colour. */
export function colorIcon(): Buffer {
  const png = canvas(192, ACCENT);
  rect(png, 52, 32, 140, 160, WHITE);
  for (const y of [60, 80, 100]) rect(png, 68, y, 124, y + 8, PAPER_LINE);
  line(png, 72, 130, 88, 146, 9, CHECK);
  line(png, 88, 146, 122, 112, 9, CHECK);
  return PNG.sync.write(png);
}

/** The same document as a white outline on transparency. */
export function outlineIcon(): Buffer {
  const png = canvas(32, null);
  rect(png, 8, 4, 24, 6, WHITE);
  rect(png, 8, 26, 24, 28, WHITE);
  rect(png, 8, 4, 10, 28, WHITE);
  rect(png, 22, 4, 24, 28, WHITE);
  for (const y of [9, 13, 17]) rect(png, 12, y, 20, y + 2, WHITE);
  line(png, 12, 22, 14, 24, 2, WHITE);
  line(png, 14, 24, 19, 19, 2, WHITE);
  return PNG.sync.write(png);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL('../appPackage/', import.meta.url);
  writeFileSync(new URL('color.png', dir), colorIcon());
  writeFileSync(new URL('outline.png', dir), outlineIcon());
  console.log('appPackage/color.png and appPackage/outline.png written');
}
