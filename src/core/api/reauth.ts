import type { Application } from "./schemas.ts";

/**
 * The re-auth rule. `reauth_required === true` counts even without `connected` (the docs' own
 * example of an expired app has no `connected` field); an expired entry in `connected_accounts`
 * counts too, because the SDK deprecates `reauth_required` in favour of per-account status.
 */
export function needsReauth(app: Application): boolean {
  if (app.reauth_required === true) return true;
  return (app.connected_accounts ?? []).some(
    (account) => typeof account === "object" && account !== null && (account as { status?: unknown }).status === "expired",
  );
}

export function isConnected(app: Application): boolean {
  return app.connected === true || (app.connected_accounts?.length ?? 0) > 0 || needsReauth(app);
}
