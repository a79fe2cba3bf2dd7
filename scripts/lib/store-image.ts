/**
 * Store images rendered from HTML in headless Chromium (playwright-core), so each one has a
 * source that can be edited and regenerated: the promo tile (store/promo/tile.html) and the frame
 * around the popup screenshots (storeShotHtml).
 */
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.E2E_CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

export interface Size {
  width: number;
  height: number;
}

/** Loads `url` (or `html`) at exactly `size`, CSS pixel = image pixel, and writes a PNG to `outPath`. */
export async function renderPng(source: { url: string } | { html: string }, size: Size, outPath: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  try {
    const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
    if ("url" in source) await page.goto(source.url, { waitUntil: "load" });
    else await page.setContent(source.html, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await page.screenshot({ path: outPath, clip: { x: 0, y: 0, ...size } });
  } finally {
    await browser.close();
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): Size {
  const buf = Buffer.from(png);
  const signature = "89504e470d0a1a0a";
  if (buf.subarray(0, 8).toString("hex") !== signature || buf.subarray(12, 16).toString("latin1") !== "IHDR") throw new Error("Not a PNG");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const dataUrl = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString("base64")}`;

/**
 * A 1280×800 store screenshot: a caption on the left; on the right, a toolbar strip with the
 * extension's button and badge above the popup as the browser showed it.
 */
export function storeShotHtml(opts: { popup: Uint8Array; title: string; detail: string; badge: string; badgeColor: string; icon: Uint8Array }): string {
  const { width, height } = pngSize(opts.popup);
  return `<!doctype html><meta charset="utf-8"><style>
  html, body { margin: 0; width: 1280px; height: 800px; overflow: hidden; }
  body { display: grid; grid-template-columns: 500px 1fr; align-items: center; gap: 40px; padding: 0 70px; box-sizing: border-box;
    background: linear-gradient(135deg, #0b2f6b 0%, #0047ab 55%, #2f6fd1 100%); font-family: system-ui, "DejaVu Sans", sans-serif; color: #fff; }
  h1 { font-size: 40px; line-height: 1.2; margin: 0 0 18px; font-weight: 700; }
  p { font-size: 21px; line-height: 1.5; margin: 0; color: #dce7fb; }
  .shot { justify-self: center; display: flex; flex-direction: column; align-items: flex-end; }
  .toolbar { width: ${width}px; height: 40px; background: #f1f3f4; border-radius: 10px 10px 0 0; display: flex; justify-content: flex-end; align-items: center; padding: 0 10px; box-sizing: border-box; }
  .button { position: relative; width: 24px; height: 24px; }
  .button img { width: 24px; height: 24px; }
  .badge { position: absolute; right: -7px; bottom: -5px; min-width: 14px; padding: 0 3px; height: 14px; border-radius: 4px; font: 700 10px/14px system-ui, sans-serif; text-align: center; color: #fff; background: ${opts.badgeColor}; }
  .popup { width: ${width}px; height: ${height}px; box-shadow: 0 18px 50px rgba(0, 0, 0, .45); border-radius: 0 0 10px 10px; overflow: hidden; background: #fff; }
  .popup img { display: block; }
</style>
<div><h1>${escape(opts.title)}</h1><p>${escape(opts.detail)}</p></div>
<div class="shot">
  <div class="toolbar"><span class="button"><img src="${dataUrl(opts.icon)}" alt=""><span class="badge">${escape(opts.badge)}</span></span></div>
  <div class="popup"><img src="${dataUrl(opts.popup)}" width="${width}" height="${height}" alt=""></div>
</div>`;
}

export function readPng(path: string): Uint8Array {
  return readFileSync(path);
}
