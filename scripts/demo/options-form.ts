/**
 * The options page, filled in the way a user fills it: the labelled fields get the demo values,
 * then Save is clicked for real (a user gesture: the permission request on Save needs one).
 */

export interface DemoSettings {
  apiKey: string;
  baseUrl: string;
}

/** Label text → value. Empty linked account IDs: watch every linked account of the org. */
export function formValues(settings: DemoSettings): [label: string, value: string][] {
  return [
    ["API key", settings.apiKey],
    ["API base URL", settings.baseUrl],
    ["Linked account IDs", ""],
  ];
}

/**
 * Runs in the options page (serialized): sets the field whose <label> reads `label` and fires
 * `input`, as typing does. Returns an error message, or "" when done.
 */
export function fillLabelledInPage([label, value]: readonly [string, string]): string {
  const match = [...document.querySelectorAll("label")].find((l) => l.textContent?.trim() === label);
  const control = match?.control;
  if (!(control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement)) return `no field labelled "${label}" on ${location.href}`;
  control.focus();
  control.value = value;
  control.dispatchEvent(new Event("input", { bubbles: true }));
  return "";
}

/** Runs in the options page (serialized): the Save button, for the driver to click. */
export function saveButtonInPage(): HTMLButtonElement | null {
  return [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Save") ?? null;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `attempt` every 200 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    }
    await sleep(200);
  }
}

/** Retries `fill` (the page may still be rendering) until it reports success; throws its last message. */
export async function fillField(fill: () => Promise<string>, label: string): Promise<void> {
  let last = "";
  await waitFor(`the field "${label}"`, 10_000, async () => {
    last = await fill();
    return last === "" ? true : undefined;
  }).catch((error: unknown) => {
    throw new Error(last !== "" ? last : String(error));
  });
}
