import { describe, expect, it } from "vitest";
import { notesText } from "../../../../src/core/words/notes.ts";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { de, en, ja } from "../../support/i18n.ts";

describe("a check's notes, worded when shown", () => {
  it("words each note, one sentence after the other, with the count's plural", () => {
    expect(notesText(en, [{ code: "listing-changed" }, { code: "accounts-skipped", count: 1 }])).toBe(
      "The list of linked accounts changed while it was being read; accounts added meanwhile appear at the next check. 1 entry of Cobalt's list of linked accounts could not be read and was left out.",
    );
    expect(notesText(de, [{ code: "accounts-skipped", count: 2 }])).toBe(
      "2 Einträge der Liste verknüpfter Konten von Cobalt konnten nicht gelesen werden und wurden ausgelassen.",
    );
    expect(notesText(en, [])).toBe("");
    // Japanese puts no space between sentences.
    expect(notesText(ja, [{ code: "listing-changed" }, { code: "no-accounts" }])).not.toContain("。 ");
  });
});

describe("notices about stored data", () => {
  it("count the linked accounts whose results were lost, in each language's plural", () => {
    expect(noticeText(en, { code: "accounts-unreadable", count: 1 })).toBe(
      "The stored check results of 1 linked account could not be read and were set aside; the next check rebuilds them.",
    );
    expect(noticeText(en, { code: "accounts-unreadable", count: 1200 })).toContain("of 1,200 linked accounts");
    expect(noticeText(de, { code: "accounts-unreadable", count: 3 })).toContain("von 3 verknüpften Konten");
    expect(noticeText(ja, { code: "accounts-unreadable", count: 3 })).toContain("リンクされたアカウント 3 件");
  });

  it("name a field that fell back by its label in the options page", () => {
    expect(noticeText(en, { code: "field-reset", field: "intervalMinutes" })).toBe(
      'The saved "Check every (minutes)" could not be read and was reset to its default. Check it in Options and save.',
    );
    expect(noticeText(ja, { code: "field-reset", field: "baseUrl", problem: { code: "url-query" } })).toBe(
      "保存済みの「API ベース URL」は使用しませんでした：API ベース URL から ? または # 以降の部分を削除してください。オプションで入力し直して保存してください。それまでは確認を行いません。",
    );
  });
});
