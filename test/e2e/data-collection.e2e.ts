import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";

// The data-collection declaration as the browser read it from the built manifest (Firefox shows
// it at install; store/privacy-disclosures.md says why it is what it is). Chromium has no such
// manifest key: the Chrome Web Store asks for it in its dashboard form instead.

let ext: ExtensionSession;

beforeAll(async () => {
  ext = await launchExtension({ recordRequests: false });
});

afterAll(async () => {
  await ext?.close();
});

describe(`data collection declaration in ${browserUnderTest()}`, () => {
  it("is the API key as authentication information in Firefox, and absent from the Chrome build", async () => {
    const all = await ext.evalInBackground<{ data_collection?: string[] }>("(globalThis.browser ?? chrome).permissions.getAll()");
    if (browserUnderTest() === "firefox") expect(all.data_collection).toEqual(["authenticationInfo"]);
    else expect(all.data_collection).toBeUndefined();
  });
});

describe(`the toolbar button in ${browserUnderTest()}`, () => {
  // Firefox puts a new MV3 extension's button in the extensions menu, where its badge is unseen;
  // the badge is the whole point of this extension, so it asks for the toolbar itself.
  it("is placed on Firefox's toolbar by the manifest; Chrome has no such key", async () => {
    const manifest = await ext.evalInBackground<{ action?: { default_area?: string } }>("(globalThis.browser ?? chrome).runtime.getManifest()");
    if (browserUnderTest() === "firefox") expect(manifest.action?.default_area).toBe("navbar");
    else expect(manifest.action?.default_area).toBeUndefined();
  });
});
