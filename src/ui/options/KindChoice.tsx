import { uiTranslator } from "../../adapters/i18n.ts";
import type { Source } from "../../core/settings/model.ts";

export type SourceKind = Source["kind"];

/**
 * Offered while a source holds nothing worth keeping (a new one, or one not set up yet): whether
 * it is a Cobalt API key in this browser or the team relay. `idPrefix` keeps each source's ids its own.
 */
export function KindChoice({ kind, idPrefix, onChoose }: { kind: SourceKind; idPrefix: string; onChoose(kind: SourceKind): void }) {
  const t = uiTranslator();
  const option = (value: SourceKind, label: string) => (
    <label class="kind-option">
      <input type="radio" name={`${idPrefix}kind`} value={value} checked={kind === value} onChange={() => onChoose(value)} />
      {label}
    </label>
  );
  return (
    <fieldset class="kind" aria-describedby={`${idPrefix}kind-hint`}>
      <legend>{t.msg("relayKindLegend")}</legend>
      {option("cobalt", t.msg("relayKindCobalt"))}
      {option("relay", t.msg("relayKindRelay"))}
      <p id={`${idPrefix}kind-hint`} class="hint muted">
        {t.msg("relayKindHint")}
      </p>
    </fieldset>
  );
}
