import { describe, expect, it } from "vitest";
import { alarmName, parseAlarmName, planAlarms, shouldCheck } from "../../../../src/core/check/schedule.ts";
import { newSource } from "../../../../src/core/settings/model.ts";
import { isSourceId, MAIN_SOURCE_ID, newSourceId, replacementId } from "../../../../src/core/settings/source-ids.ts";
import { sourceNames } from "../../../../src/core/words/names.ts";
import { keysOfRemovedSources, sourceKeys, sourceOfKey } from "../../../../src/core/store/keys.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";
import { de, en } from "../../support/i18n.ts";

describe("source ids", () => {
  it("the first source is main, as the stored results already were", () => {
    expect(MAIN_SOURCE_ID).toBe("main");
  });

  it("a new id is s and 8 base-36 characters, never one already taken", () => {
    const values = [0, 0.5, 0.99, 0.1, 0.2, 0.3, 0.4, 0.6];
    let i = 0;
    const id = newSourceId(() => values[i++ % values.length]!);
    expect(id).toMatch(/^s[0-9a-z]{8}$/);
    expect(isSourceId(id)).toBe(true);
    let calls = 0;
    const again = newSourceId(() => (calls++ < 8 ? 0 : 0.5), new Set(["s00000000"]));
    expect(again).toBe("siiiiiiii");
  });

  it("ids are words without dots (they are part of key and alarm names)", () => {
    for (const id of ["main", "s0a1b2c3d", "restored-1"]) expect(isSourceId(id)).toBe(true);
    for (const id of ["", "a.b", "Main", "x y", "a".repeat(41)]) expect(isSourceId(id)).toBe(false);
  });

  it("a replacement id is fixed for the same position, and free", () => {
    expect(replacementId(0, new Set())).toBe("main");
    expect(replacementId(0, new Set(["main"]))).toBe("restored-0");
    expect(replacementId(2, new Set(["restored-2"]))).toBe("restored-2-2");
  });
});

describe("sourceNames", () => {
  it("uses the label, else the key's environment, adding the host when it is not Cobalt's own", () => {
    const names = sourceNames(en, [
      newSource("a", { label: " Acme prod ", apiKey: "pk_1" }),
      newSource("b", { apiKey: "tk_1" }),
      newSource("c", { apiKey: "pk_2", baseUrl: "https://cobalt.example.com" }),
      newSource("d", { apiKey: "sk_odd", baseUrl: "https://app.refold.ai" }),
    ]);
    expect([...names.values()]).toEqual(["Acme prod", "Test", "Production (cobalt.example.com)", "app.refold.ai"]);
  });

  it("makes names distinct, so a heading or a tooltip line names one source", () => {
    const names = sourceNames(en, [newSource("a", { apiKey: "pk_1" }), newSource("b", { apiKey: "pk_2" }), newSource("c", { label: "production" })]);
    expect([...names.values()]).toEqual(["Production", "Production (2)", "production (3)"]);
  });

  it("words the names made from the environment in the page's language", () => {
    const names = sourceNames(de, [newSource("a", { apiKey: "pk_1" }), newSource("b", { apiKey: "tk_1", baseUrl: "https://cobalt.example.com" })]);
    expect([...names.values()]).toEqual(["Produktion", "Test (cobalt.example.com)"]);
  });
});

describe("per-source storage keys", () => {
  it("each source has its own progress, kept backoff, last decision and results", () => {
    const keys = sourceKeys("s1");
    expect([keys.progress, keys.pendingBackoff, keys.lastDecision, keys.results.header, keys.results.shard(3)]).toEqual([
      "progress.s1",
      "pendingBackoff.s1",
      "lastDecision.s1",
      "status.s1",
      "status.s1.acc.3",
    ]);
    for (const key of ["progress.s1", "status.s1", "status.s1.apps", "status.s1.acc.12", "lastDecision.s1"]) expect(sourceOfKey(key)).toBe("s1");
    for (const key of ["settings", "status", "progress", "mutes", "statusx.s1"]) expect(sourceOfKey(key)).toBeUndefined();
  });

  it("a removed source's keys go, the others' and global keys stay; the single-source layout's own keys go", () => {
    const stored = [
      "settings",
      "mutes",
      "status.main",
      "status.main.acc.0",
      "progress.main",
      "status.s1",
      "status.s1.apps",
      "status.s1.order",
      "status.s1.acc.0",
      "progress.s1",
      "pendingBackoff.s1",
      "lastDecision.s1",
      "progress",
      "pendingBackoff",
      "lastDecision",
    ];
    expect(keysOfRemovedSources(stored, new Set(["main"]))).toEqual([
      "status.s1",
      "status.s1.apps",
      "status.s1.order",
      "status.s1.acc.0",
      "progress.s1",
      "pendingBackoff.s1",
      "lastDecision.s1",
      "progress",
      "pendingBackoff",
      "lastDecision",
    ]);
  });

  it("the layout before sharding belongs to the first source and goes only with it", () => {
    expect(keysOfRemovedSources(["status", "healthy"], new Set(["main"]))).toEqual([]);
    expect(keysOfRemovedSources(["status", "healthy", "status.main"], new Set(["s1"]))).toEqual(["status", "healthy", "status.main"]);
  });
});

describe("per-source alarms", () => {
  it("names each source's alarms, and reads the names back", () => {
    expect(alarmName("check", "s1")).toBe("check.s1");
    expect(alarmName("retry", "main")).toBe("retry.main");
    expect(parseAlarmName("check.s1")).toEqual({ kind: "check", sourceId: "s1" });
    expect(parseAlarmName("retry.main")).toEqual({ kind: "retry", sourceId: "main" });
    for (const name of ["check", "retry", "check.", "other.s1", "check.a.b"]) expect(parseAlarmName(name)).toBeUndefined();
  });

  it("every source gets its alarm at its own interval; existing right ones are left alone", () => {
    const sources = [newSource("main", { intervalMinutes: 5 }), newSource("s1", { intervalMinutes: 15 })];
    expect(planAlarms(sources, [])).toEqual({
      create: [
        { name: "check.main", periodInMinutes: 5 },
        { name: "check.s1", periodInMinutes: 15 },
      ],
      clear: [],
    });
    expect(planAlarms(sources, [{ name: "check.main", periodInMinutes: 5 }, { name: "check.s1", periodInMinutes: 10 }, { name: "retry.s1" }])).toEqual({
      create: [{ name: "check.s1", periodInMinutes: 15 }],
      clear: [],
    });
  });

  it("clears the alarms of removed sources and of the single-source layout, and leaves others alone", () => {
    const plan = planAlarms([newSource("main")], [
      { name: "check.main", periodInMinutes: 5 },
      { name: "check.gone", periodInMinutes: 5 },
      { name: "retry.gone" },
      { name: "check", periodInMinutes: 5 },
      { name: "retry" },
      { name: "someone-else" },
    ]);
    expect(plan).toEqual({ create: [], clear: ["check.gone", "retry.gone", "check", "retry"] });
  });
});

describe("per-source scheduling decisions", () => {
  const NOW = 1_800_000_000_000;
  const test = makeSettings({ id: "main" });
  const production = makeSettings({ id: "s1", apiKey: "pk_live_0123456789" });

  it("one source's backoff or refused key does not hold another back", () => {
    const throttled = makeStatus(production, {
      checkedAt: NOW - 60 * 60_000,
      error: { kind: "rate-limited", at: NOW - 1000 },
      backoff: { failures: 1, notBefore: NOW + 60_000 },
    });
    const refused = makeStatus(production, { checkedAt: NOW - 60 * 60_000, error: { kind: "unauthorized", at: NOW - 1000 } });
    const due = makeStatus(test, { checkedAt: NOW - 60 * 60_000, accounts: [account("a")] });
    for (const other of [throttled, refused]) {
      expect(shouldCheck("alarm", production, other, NOW).run).toBe(false);
      expect(shouldCheck("alarm", test, due, NOW)).toEqual({ run: true });
    }
  });

  it("each source is judged by its own settings: a status of another source's settings is not current", () => {
    const testStatus = makeStatus(test, { checkedAt: NOW - 1000 });
    expect(shouldCheck("open", test, testStatus, NOW)).toEqual({ run: false, reason: "fresh enough" });
    expect(shouldCheck("open", production, testStatus, NOW)).toEqual({ run: true });
  });
});
