/**
 * `npm run store:tile`: renders store/promo/tile.html at 440×280 into store/promo/tile-440x280.png
 * (headless Chromium), and checks the size. Edit the HTML, run this, commit both.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pngSize, renderPng } from "./lib/store-image.ts";
import { ROOT } from "./lib/release.ts";

const TILE = { width: 440, height: 280 };
const source = join(ROOT, "store", "promo", "tile.html");
const out = join(ROOT, "store", "promo", "tile-440x280.png");

await renderPng({ url: pathToFileURL(source).href }, TILE, out);
const size = pngSize(readFileSync(out));
if (size.width !== TILE.width || size.height !== TILE.height) throw new Error(`The tile came out ${size.width}×${size.height}`);
console.log(`Wrote store/promo/tile-440x280.png (${size.width}×${size.height}) from store/promo/tile.html`);
