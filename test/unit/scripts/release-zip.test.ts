import { afterEach, describe, expect, it, vi } from "vitest";
import JSZip from "jszip";
import { compareEntries, deterministicZip, readZip, ZIP_DATE, type ZipEntry } from "../../../scripts/lib/zip.ts";

// The release archives must depend only on the files they hold (npm run package:verify checks the
// whole pipeline; these pin the properties of the writer it relies on).

const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const files: ZipEntry[] = [
  { path: "src/ui/popup/popup.js", data: bytes("console.log('popup')") },
  { path: "manifest.json", data: bytes("{}") },
  { path: "icons/icon-16.png", data: new Uint8Array([137, 80, 78, 71, 0, 255]) },
];

describe("deterministicZip", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gives the same bytes for the same files, whatever their order and whenever it runs", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-02T03:04:05Z"));
    const a = await deterministicZip(files);
    vi.setSystemTime(new Date("2027-06-07T08:09:10Z"));
    const b = await deterministicZip([...files].reverse());
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it("stamps every entry, folders included, with the fixed date, and sorts entries by path", async () => {
    const zip = await JSZip.loadAsync(await deterministicZip(files));
    const names = Object.keys(zip.files);
    expect(names).toEqual(["icons/", "icons/icon-16.png", "manifest.json", "src/", "src/ui/", "src/ui/popup/", "src/ui/popup/popup.js"]);
    for (const entry of Object.values(zip.files)) expect(entry.date.getTime()).toBe(ZIP_DATE.getTime());
  });

  it("round-trips the files' bytes", async () => {
    const back = await readZip(await deterministicZip(files));
    expect(compareEntries(files, back)).toEqual([]);
  });

  it("refuses paths that would escape the archive's folder, and duplicates", async () => {
    await expect(deterministicZip([{ path: "../x", data: bytes("") }])).rejects.toThrow(/Not a relative file path/);
    await expect(deterministicZip([{ path: "/etc/x", data: bytes("") }])).rejects.toThrow(/Not a relative file path/);
    await expect(deterministicZip([files[0]!, files[0]!])).rejects.toThrow(/Duplicate/);
  });
});

describe("compareEntries", () => {
  it("names missing, unexpected and different files", () => {
    const other: ZipEntry[] = [
      { path: "manifest.json", data: bytes("{ }") },
      { path: "icons/icon-16.png", data: files[2]!.data },
      { path: "extra.js", data: bytes("") },
    ];
    expect(compareEntries(files, other).sort()).toEqual(["different bytes: manifest.json", "missing: src/ui/popup/popup.js", "unexpected: extra.js"]);
  });
});
