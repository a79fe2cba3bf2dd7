import { useEffect, useState } from "preact/hooks";
import { requestCheck } from "../../adapters/messages.ts";
import { requestApiPermission } from "../../adapters/permissions.ts";
import { saveSettings, type Snapshot } from "../../adapters/storage.ts";
import { checkDurationMs, expectedRequests } from "../../core/estimate.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { BUDGET, INTERVAL, keyEnvironment, maskKey, SUGGESTED_BASE_URLS } from "../../core/settings.ts";
import { problemText, type FormProblem } from "../../core/problems.ts";
import { editField, loadIncoming, openForm, storedSettingsChanged, validateForm, type FormErrors, type FormState, type SettingsForm } from "../../core/settings-form.ts";
import { connectionSummary } from "../../core/summary.ts";
import { originOf } from "../../core/url.ts";
import { currentError, isCurrent } from "../../core/view-state.ts";
import { Notices, StatusBanner } from "../shared/StatusBanner.tsx";
import { duration, plural } from "../shared/interim-format.ts";
import { useNow, useSnapshot } from "../shared/use-snapshot.ts";
import { keyCheckText, useKeyCheck } from "./key-check.ts";

type SaveState = { state: "idle" } | { state: "saving" } | { state: "saved" } | { state: "failed"; message: string };

const TEXT = {
  changedElsewhere:
    "The saved settings were changed elsewhere (in another Options tab, say) while you were editing here. Your edits are still here: Save replaces the saved settings with them, or load the saved settings instead.",
  loadSaved: "Load the saved settings",
};

export function Options({ initial }: { initial: Snapshot }) {
  const snapshot = useSnapshot(initial);
  const now = useNow();
  // The form starts from what is stored. Settings saved elsewhere (another tab) replace it while
  // it is untouched; with edits, they are offered and never overwrite typing (settings-form.ts).
  const [formState, setFormState] = useState<FormState>(() => openForm(initial.settings));
  const form = formState.form;
  const [errors, setErrors] = useState<FormErrors>({});
  const [revealed, setRevealed] = useState(false);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  const keyCheck = useKeyCheck(form.apiKey, form.baseUrl);
  const { settings, status, progress, notices } = snapshot;
  useEffect(() => setFormState((state) => storedSettingsChanged(state, settings)), [settings]);

  const set = (field: keyof SettingsForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setFormState((state) => editField(state, field, value));
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
    setSave({ state: "idle" });
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const result = validateForm(form);
    if (!result.ok) {
      setErrors(result.errors);
      setSave({ state: "failed", message: "Nothing was saved: fix the fields marked below." });
      return;
    }
    setErrors({});
    setSave({ state: "saving" });
    // Asked first and synchronously: the prompt (for an address the extension may not reach yet)
    // only appears during the click. Already-granted addresses resolve at once without a prompt.
    requestApiPermission(result.settings.baseUrl)
      .catch(() => false)
      .then(async (granted) => {
        if (!granted) {
          setErrors({ baseUrl: { code: "permission-denied", origin: originOf(result.settings.baseUrl) } });
          setSave({ state: "failed", message: "Nothing was saved: permission to reach the API base URL was not granted." });
          return;
        }
        // Shown as saved first, so storage echoing this save back is not taken for a change made elsewhere.
        const before = formState;
        setFormState(openForm(result.settings));
        await saveSettings(result.settings).catch((error: unknown) => {
          setFormState(before);
          throw error;
        });
        setSave({ state: "saved" });
        await requestCheck("settings");
      })
      .catch((error: unknown) => setSave({ state: "failed", message: `Could not save: ${error instanceof Error ? error.message : String(error)}` }));
  };

  const error = currentError(settings, status);
  const fresh = isCurrent(settings, status) && progress === null && status.checkedAt !== undefined;
  const summary = settings.apiKey !== "" && fresh ? connectionSummary(uiTranslator(), settings, status) : undefined;
  const requests = expectedRequests(settings, status);
  const env = keyEnvironment(form.apiKey.trim());

  return (
    <main>
      <h1>Cobalt Integration Status</h1>
      <p class="muted">Checks which of your customers' connected apps need re-authentication. Your settings stay on this computer.</p>
      <Notices notices={notices} />
      <form onSubmit={onSubmit} noValidate>
        <Field id="apiKey" label="API key" error={errors.apiKey} hint={keyHint(settings.apiKey, env)}>
          <div class="key-row">
            <input
              id="apiKey"
              type={(revealed ? "text" : "password") as "text"}
              autocomplete="off"
              spellcheck={false}
              value={form.apiKey}
              onInput={set("apiKey")}
              aria-invalid={errors.apiKey ? "true" : undefined}
              aria-describedby="apiKey-hint apiKey-error apiKey-check"
            />
            <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
              {revealed ? "Hide key" : "Show key"}
            </button>
          </div>
          <p id="apiKey-check" class={`check ${keyCheck.state}`} aria-live="polite">
            {keyCheck.state === "checking" ? "Checking the key…" : keyCheckText(keyCheck)}
          </p>
        </Field>
        <Field id="baseUrl" label="API base URL" error={errors.baseUrl} hint="https://api.gocobalt.io or https://app.refold.ai (the same API after the rebrand), or your self-hosted address.">
          <input id="baseUrl" type="text" list="baseUrl-suggestions" autocomplete="off" spellcheck={false} value={form.baseUrl} onInput={set("baseUrl")} aria-invalid={errors.baseUrl ? "true" : undefined} aria-describedby="baseUrl-hint baseUrl-error" />
          <datalist id="baseUrl-suggestions">
            {SUGGESTED_BASE_URLS.map((url) => (
              <option key={url} value={url} />
            ))}
          </datalist>
        </Field>
        <Field id="linkedAccountIds" label="Linked account IDs" error={errors.linkedAccountIds} hint="Separate IDs with commas, spaces or new lines. Leave empty to watch every linked account of the key's environment.">
          <textarea id="linkedAccountIds" rows={4} spellcheck={false} value={form.linkedAccountIds} onInput={set("linkedAccountIds")} aria-invalid={errors.linkedAccountIds ? "true" : undefined} aria-describedby="linkedAccountIds-hint linkedAccountIds-error" />
        </Field>
        <div class="numbers">
          <Field id="intervalMinutes" label="Check every (minutes)" error={errors.intervalMinutes} hint={`${INTERVAL.min} to ${INTERVAL.max}; checks run in the background with the popup closed.`}>
            <input id="intervalMinutes" type="number" min={INTERVAL.min} max={INTERVAL.max} step={1} value={form.intervalMinutes} onInput={set("intervalMinutes")} aria-invalid={errors.intervalMinutes ? "true" : undefined} aria-describedby="intervalMinutes-hint intervalMinutes-error" />
          </Field>
          <Field id="requestsPerMinute" label="Requests per minute" error={errors.requestsPerMinute} hint={budgetHint(requests, settings.requestsPerMinute, status.accountsTotal)}>
            <input id="requestsPerMinute" type="number" min={BUDGET.min} max={BUDGET.max} step={1} value={form.requestsPerMinute} onInput={set("requestsPerMinute")} aria-invalid={errors.requestsPerMinute ? "true" : undefined} aria-describedby="requestsPerMinute-hint requestsPerMinute-error" />
          </Field>
        </div>
        {formState.incoming && (
          <div class="banner warn" role="status">
            <p>{TEXT.changedElsewhere}</p>
            <button type="button" onClick={() => setFormState(loadIncoming)}>
              {TEXT.loadSaved}
            </button>
          </div>
        )}
        <div class="save-row">
          <button type="submit" class="primary" disabled={save.state === "saving"}>
            Save
          </button>
          <span class={`save-state ${save.state}`} role="status">
            {save.state === "saving" ? "Saving…" : save.state === "saved" ? "Saved." : save.state === "failed" ? save.message : ""}
          </span>
        </div>
      </form>
      <section class="connection" aria-label="Connection status">
        <h2>Connection</h2>
        {progress !== null && <p role="status">Checking…</p>}
        {error && progress === null && <StatusBanner error={error} settings={settings} status={status} now={now} onOptionsPage />}
        {summary && summary.ok && (
          <p class="banner ok" role="status" id="connection-summary">
            {summary.text}
          </p>
        )}
        {status.lastRun && fresh && (
          <p class="muted">
            The last check made {plural(status.lastRun.requests, "request")} and took {duration(status.lastRun.ms)}.
          </p>
        )}
      </section>
    </main>
  );
}

function keyHint(storedKey: string, typedEnv: ReturnType<typeof keyEnvironment>): string {
  const env = typedEnv === "unknown" ? "" : ` This is a ${typedEnv} key.`;
  const stored = storedKey === "" ? "No key saved yet." : `Saved key: ${maskKey(storedKey)}.`;
  return `${stored}${env} Prefer a test key, or a key kept only for monitoring: it can read your whole org.`;
}

function budgetHint(requests: number | undefined, perMinute: number, accounts: number | undefined): string {
  const found = accounts === undefined ? "" : `${plural(accounts, "linked account")} found. `;
  if (requests === undefined) return `${found}Spreads requests evenly; Cobalt limits how often the API may be called.`;
  return `${found}A full check makes about ${plural(requests, "request")}: at least ${duration(checkDurationMs(requests, perMinute))} at this budget.`;
}

function Field(props: { id: string; label: string; error: FormProblem | undefined; hint: string; children: preact.ComponentChildren }) {
  return (
    <div class={`field${props.error ? " invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      <p id={`${props.id}-hint`} class="hint muted">
        {props.hint}
      </p>
      <p id={`${props.id}-error`} class="field-error" role={props.error ? "alert" : undefined}>
        {props.error ? problemText(uiTranslator(), props.error) : ""}
      </p>
    </div>
  );
}
