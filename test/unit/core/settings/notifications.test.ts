import { describe, expect, it } from "vitest";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { newSource } from "../../../../src/core/settings/model.ts";
import { parseStoredSettings, serializeSettings } from "../../../../src/core/settings/parse.ts";
import { en } from "../../support/i18n.ts";

// Desktop notifications are a top-level preference of the settings, off by default,
// read on its own so that damage to it costs it alone (and damage elsewhere never costs it).

const SOURCE = { ...newSource("main"), apiKey: "tk_key" };

describe("the notifications preference", () => {
  it("is off when nothing says otherwise: a new user, and every user of an older version", () => {
    expect(parseStoredSettings(undefined).settings.notifications).toBeUndefined();
    expect(parseStoredSettings({ schemaVersion: 2, apiKey: "tk_key", notifications: true }).settings.notifications).toBeUndefined();
    expect(parseStoredSettings(serializeSettings({ sources: [SOURCE] })).settings.notifications).toBeUndefined();
  });

  it("reads back what serializeSettings wrote, on and off", () => {
    for (const notifications of [true, false]) {
      const stored = JSON.parse(JSON.stringify(serializeSettings({ sources: [SOURCE], notifications }))) as unknown;
      expect(parseStoredSettings(stored)).toEqual({ settings: { sources: [SOURCE], notifications }, notices: [] });
    }
  });

  it("falls back to off alone when damaged, with a notice that says so; the sources are kept", () => {
    const parsed = parseStoredSettings({ ...serializeSettings({ sources: [SOURCE] }), notifications: "yes" });
    expect(parsed.settings).toEqual({ sources: [SOURCE] });
    expect(parsed.notices).toEqual([{ code: "notifications-reset" }]);
    expect(noticeText(en, parsed.notices[0]!)).toContain("notifications are off");
  });

  it("survives damage to a source", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, notifications: true, sources: [{ ...SOURCE, intervalMinutes: "soon" }] });
    expect(parsed.settings.notifications).toBe(true);
    expect(parsed.settings.sources[0]).toMatchObject({ apiKey: "tk_key" });
  });
});
