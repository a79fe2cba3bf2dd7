import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";

// Languages: the browser's UI in German, the extension in German: the badge's title, the
// options page and the popup (its list, its failure banner), with German numbers and plural
// forms, on pages whose lang is German and whose layout holds the longer words in the popup's
// fixed width. Firefox needs its German language pack for this (see LaunchOptions.locale).

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension({ locale: "de" });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

/** The page's language, direction and title, as the catalog set them. */
function pageLanguage(page: ExtPage) {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir, title: document.title }));
}

/** Elements that stick out past the popup's right edge (its width is fixed), described for the failure message. */
function overflowing(page: ExtPage) {
  return page.evaluate(() => {
    const edge = document.body.getBoundingClientRect().right + 0.5;
    // Past the edge, or wider inside than its box (for boxes: an inline element has no clientWidth).
    const sticksOut = (element: HTMLElement) =>
      element.getBoundingClientRect().right > edge || (getComputedStyle(element).display !== "inline" && element.scrollWidth > element.clientWidth + 1);
    return [...document.body.querySelectorAll<HTMLElement>("*")]
      .filter((element) => sticksOut(element) && getComputedStyle(element).overflow === "visible" && !element.closest(".visually-hidden"))
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}: ${(element.textContent ?? "").slice(0, 40)}`);
  });
}

/** Rows whose buttons do not all stand on one line, level with the app's name, described. */
function rowsOffOneLine(page: ExtPage) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("li.app")].flatMap((row) => {
      const name = row.querySelector(".app-name")!.getBoundingClientRect();
      const buttons = [...row.querySelectorAll<HTMLElement>(":scope > button")].map((button) => button.getBoundingClientRect());
      const off = buttons.filter((box) => box.top > name.bottom || box.bottom < name.top);
      return buttons.length === 3 && off.length === 0 ? [] : [`${row.querySelector(".app-name")!.textContent}: ${off.length} of ${buttons.length} buttons off the name's line`];
    }),
  );
}

describe(`German in ${browserUnderTest()}`, () => {
  it("says in German on the badge that it is not set up", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "SET");
    expect(badge.title).toMatch(/^Cobalt-Integrationsstatus: Nicht eingerichtet: Schließen Sie die Einrichtung in den Optionen ab\. Fügen Sie in den Optionen Ihren Cobalt-API-Schlüssel hinzu/);
  });

  it("shows the options page in German, German numbers in its messages, and saves through German labels", async () => {
    const options = await ext.openPage(ext.optionsPath);
    expect(await pageLanguage(options)).toEqual({ lang: expect.stringMatching(/^de\b/), dir: "ltr", title: "Cobalt-Integrationsstatus: Optionen" });
    await options.waitForText("Prüft, welche verbundenen Apps Ihrer Kunden eine erneute Authentifizierung brauchen.");
    await options.fillLabelled("API-Schlüssel", KEY);
    await options.fillLabelled("API-Basis-URL", fake.origin);
    await options.fillLabelled("IDs der verknüpften Konten", "acme-corp, globex\ninitech");
    // Out of range first: the message gives the range in German numbers (1.200, not 1,200).
    await options.fillLabelled("Anfragen pro Minute", "5000");
    await options.clickByRole("button", "Speichern");
    await options.waitForText("Wählen Sie eine ganze Zahl von Anfragen pro Minute zwischen 10 und 1.200.");
    await options.waitForText("Nichts wurde gespeichert: Korrigieren Sie die markierten Felder.");
    await options.fillLabelled("Anfragen pro Minute", "120");
    await options.clickByRole("button", "Speichern");
    await options.waitForText("Gespeichert.");
    // Plural forms: "3 verknüpfte Konten", "3 Apps", "2 verknüpften Konten".
    await options.waitForText("Verbunden (Testumgebung): 3 verknüpfte Konten, 3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden.", { timeoutMs: 30_000 });
    await options.waitForText(/Gespeicherter Schlüssel: tk_d•+_key\. Das ist ein Testschlüssel\./);
    await options.waitForText(/Die letzte Prüfung stellte 3 Anfragen und dauerte \d+ Sekunden?\./);
    expect(await options.text()).toContain("Verbindung");
    expect(await options.text()).not.toMatch(/\b(Save|API key|Connection|Checking|Saved key|Requests per minute)\b/);
    await options.close();
  });

  it("counts the apps on the badge with a German title", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "3", 15_000);
    expect(badge.title).toMatch(/^Cobalt-Integrationsstatus: 3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden \(geprüft um \d{2}:\d{2}\)\.$/);
  });

  it("lists the apps in the popup in German, in the popup's width", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("3 Apps in 2 von 3 verknüpften Konten müssen erneut authentifiziert werden");
    expect(await pageLanguage(popup)).toEqual({ lang: expect.stringMatching(/^de\b/), dir: "ltr", title: "Cobalt-Integrationsstatus" });
    expect(await popup.text("p.summary strong")).toBe("3 Apps");
    expect(await popup.count("li.app")).toBe(3);
    const text = await popup.text();
    expect(text).toContain("Integrationsstatus");
    expect(text).toContain("Testumgebung");
    expect(text).toMatch(/Zuletzt geprüft (gerade eben|vor 1 Minute)/);
    expect(text).toContain("Funktionierende verbundene Apps (4)");
    expect(text).toContain("Optionen");
    // The row buttons say what they do in German, to the eye and to assistive technology.
    await popup.waitForText("Neu verbinden");
    await popup.waitForText("Link kopieren");
    expect(await popup.attr("button[data-action='reconnect']", "aria-label")).toBe("Hubspot neu verbinden");
    expect(await popup.attr("button[data-action='mute-menu']", "aria-label")).toBe("Hubspot stummschalten");
    expect(await overflowing(popup)).toEqual([]);
    // Each row's actions share one line with the app's name: Mute on a line of its own nearly
    // doubled the list's height.
    expect(await rowsOffOneLine(popup)).toEqual([]);
    await popup.close();
  });

  it("says in German what failed, in the popup's banner and on the badge, and the layout still fits", async () => {
    fake.revokeKey(KEY);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Aktualisieren");
    await popup.waitForText("API-Schlüssel abgelehnt: Geben Sie in den Optionen einen gültigen Schlüssel ein.");
    await popup.waitForText("Angezeigt werden die letzten gültigen Daten, zuletzt geprüft");
    expect(await popup.text(".banner.error button")).toBe("Optionen öffnen");
    const badge = await ext.waitForBadge((b) => b.text === "KEY");
    expect(badge.title).toMatch(/^Cobalt-Integrationsstatus: API-Schlüssel abgelehnt: Geben Sie in den Optionen einen gültigen Schlüssel ein\./);
    expect(badge.title).toContain("Zuletzt bekannt: 3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden");
    expect(await overflowing(popup)).toEqual([]);
    expect(describeViolations(await axeViolations(popup))).toEqual([]);
    await popup.close();
  });
});
