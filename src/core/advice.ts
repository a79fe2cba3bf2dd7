import type { ErrorKind } from "./api/errors.ts";

/** What the user can do about each failure, in the words the popup and options page use. */
export const ADVICE: Record<ErrorKind, string> = {
  "not-set-up": "Open Options and paste an API key (Cobalt dashboard: Settings → Developer, or Settings → Credentials).",
  unauthorized: "The key may have been regenerated or revoked. Paste the current key in Options; your other settings are kept.",
  forbidden: "This key is not allowed to read applications. Use a key with access, or ask your Cobalt admin.",
  permission: "The extension's access to this address was removed. Grant access to resume checking.",
  "not-found": "Check the linked account ID in Options. Test and production keys see different linked accounts.",
  "bad-request": "Check the settings in Options.",
  "rate-limited": "Checks resume by themselves. If this keeps happening, lower the requests per minute in Options.",
  server: "This usually passes. The extension retries by itself, waiting longer each time.",
  "bad-response": "Check the API base URL in Options. The extension retries by itself.",
  timeout: "Cobalt or the network is slow. The extension retries by itself.",
  network: "Check the internet connection and the API base URL. The extension retries by itself.",
  redirected:
    "If this network asks you to sign in first (hotel, airport or office Wi-Fi), sign in. Otherwise check the API base URL in Options: it must be the address the API answers on, not one that forwards to it. The extension retries by itself.",
  storage: "The extension could not save its results. Watching fewer linked accounts (Options) needs less space. The extension retries by itself.",
  unexpected: "This is most likely a bug in the extension. It retries by itself; if the message stays, reload the extension and report the message.",
};
