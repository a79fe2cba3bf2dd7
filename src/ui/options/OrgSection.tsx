import { uiTranslator } from "../../adapters/i18n.ts";
import type { Source } from "../../core/settings/model.ts";
import type { OrgView } from "../../core/settings/org.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import { orgRules, policyProblemText } from "../../core/words/policy.ts";

/**
 * What the organisation's policy sets, said once at the top of the page: its relays, whether keys
 * are allowed, its notifications and interval, and each of its values that was ignored (naming the
 * key, so whoever wrote the policy can find it). The fields it sets say so again where they are.
 */
export function OrgSection({ org, sources, names }: { org: OrgView; sources: readonly Source[]; names: ReadonlyMap<SourceId, string> }) {
  const t = uiTranslator();
  const relays = sources.filter((source) => org.managed.includes(source.id));
  const lines = [...relays.map((relay) => t.msg("orgRelay", { name: names.get(relay.id) ?? "", url: relay.kind === "relay" ? relay.relayUrl : "" })), ...orgRules(t, org)];
  return (
    <section class="org" aria-labelledby="org-heading">
      <h2 id="org-heading">{t.msg("orgHeading")}</h2>
      {lines.length > 0 && (
        <>
          <p class="muted">{t.msg("orgIntro")}</p>
          <ul>
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
      {org.problems.length > 0 && (
        <div class="banner warn" role="status" id="org-problems">
          <div>
            {org.problems.map((problem) => {
              const text = policyProblemText(t, problem);
              return <p key={text}>{text}</p>;
            })}
          </div>
        </div>
      )}
    </section>
  );
}
