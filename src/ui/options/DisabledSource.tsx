import { uiTranslator } from "../../adapters/i18n.ts";
import type { CobaltSource } from "../../core/settings/model.ts";
import { RemoveSource } from "./RemoveSource.tsx";

/**
 * A Cobalt API key source kept while the organisation allows no keys: never checked, its key gone
 * from storage, its other settings kept for when keys are allowed again. It says so, and may be
 * removed.
 */
export function DisabledSource({ source, name, removable }: { source: CobaltSource; name: string; removable: boolean }) {
  const t = uiTranslator();
  const heading = `${source.id}-source-name`;
  return (
    <section class="source disabled" aria-labelledby={heading}>
      <h2 id={heading}>{name}</h2>
      <div class="banner warn" role="status" data-kind="disabled-by-organisation">
        <p>{t.msg("orgKeySourceDisabled")}</p>
      </div>
      {removable && <RemoveSource id={source.id} name={name} stored onDiscard={() => undefined} />}
    </section>
  );
}
