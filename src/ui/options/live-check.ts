import { useEffect, useState } from "preact/hooks";
import { hasApiPermission } from "../../adapters/permissions.ts";
import { scrubbed, toApiError, type ErrorInfo } from "../../core/api/errors.ts";

/** A live check's result as data: the forms word it (key-check.ts, token-check.ts). */
export type LiveCheck<Found extends object> = { state: "idle" } | { state: "unsaved" } | { state: "checking" } | ({ state: "ok" } & Found) | { state: "bad"; error: ErrorInfo };

/** What to ask, once the typed values can be checked at all: the URL whose origin answers, and the question. */
export interface LiveQuestion<Found extends object> {
  url: string;
  /** The key or token sent: a server's words that echo it are shown without it. */
  secret: string;
  ask(): Promise<Found>;
}

/** Long enough not to ask at every keystroke, short enough to answer while the user looks. */
const PAUSE_MS = 600;

const IDLE = { state: "idle" } as const;

const UNSAVED = { state: "unsaved" } as const;

/** What a question gives while the address is not one the user confirmed: Save checks it. */
export const AFTER_SAVE = { afterSave: true } as const;

/**
 * Checks what is typed, after a pause, and keeps the latest answer: a newer value cancels the
 * question about an older one. Only origins the extension may already reach are asked (a check
 * never prompts for a permission; Save does). `question` runs on every change of `inputs` and
 * returns undefined while the values cannot be checked (empty, malformed), and AFTER_SAVE while
 * the address is not one the user confirmed (form-rules.ts mayCheckLive): Save checks it.
 */
export function useLiveCheck<Found extends object>(inputs: readonly string[], question: () => LiveQuestion<Found> | typeof AFTER_SAVE | undefined): LiveCheck<Found> {
  const [result, setResult] = useState<LiveCheck<Found>>(IDLE);
  useEffect(() => {
    const asked = question();
    if (!asked || "afterSave" in asked) {
      setResult(asked ? UNSAVED : IDLE);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      if (!(await hasApiPermission(asked.url))) {
        if (!cancelled) setResult(IDLE);
        return;
      }
      setResult({ state: "checking" });
      try {
        const found = await asked.ask();
        if (!cancelled) setResult({ state: "ok", ...found });
      } catch (error) {
        if (!cancelled) setResult({ state: "bad", error: scrubbed(toApiError(error).info(Date.now()), [asked.secret]) });
      }
    }, PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, inputs);
  return result;
}
