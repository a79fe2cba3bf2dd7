import { uiTranslator } from "../../adapters/i18n.ts";
import { leavePreview, startPreview } from "../../adapters/preview-switch.ts";

/*
 * The sample-data preview's controls: the offer that turns it on, and the banner that says the
 * data is a demo's and turns it off. Both only write the `preview` key (adapters/preview-switch.ts);
 * the pages follow storage as for any other change.
 */

/** Shown while the preview is on, at the top of the popup and of the options page. */
export function PreviewBanner({ page }: { page: "popup" | "options" }) {
  const t = uiTranslator();
  return (
    <div class="banner sample" role="status" data-preview="on">
      <div>
        <p>
          <strong>{t.msg("previewBannerTitle")}</strong>
        </p>
        <p>{t.msg(page === "popup" ? "previewBannerPopup" : "previewBannerOptions")}</p>
      </div>
      <button type="button" onClick={() => void leavePreview()}>
        {t.msg("previewLeave")}
      </button>
    </div>
  );
}

/** The button that turns the preview on: reachable before any setup. */
export function ShowSampleButton() {
  return (
    <button type="button" onClick={() => void startPreview()}>
      {uiTranslator().msg("previewShow")}
    </button>
  );
}

/** The options page's offer, under its intro, while the preview is off. */
export function PreviewOffer() {
  return (
    <div class="preview-offer">
      <p class="muted">{uiTranslator().msg("previewOfferText")}</p>
      <ShowSampleButton />
    </div>
  );
}
