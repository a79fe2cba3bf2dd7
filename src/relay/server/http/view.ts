import type { ErrorInfo, AccountStatus } from "../../../core/status/model.ts";
import type { AppRecord } from "../../../core/api/records.ts";
import { isHttpUrl } from "../../../core/kit/url.ts";
import {
  RELAY_PROTOCOL,
  type DatedProblem,
  type RelayAccount,
  type RelayApp,
  type RelayHealthyApps,
  type ServedSource,
  type RelayStatus,
} from "../../protocol/v1.ts";
import type { FailureDetail } from "../check/cobalt.ts";
import type { SourceRunner } from "../check/runner.ts";

/*
 * What members see, built from the runners' state. Only what the protocol names is copied, field
 * by field: the stored status also holds Cobalt's error sentences and a fingerprint of the
 * settings, and none of that leaves the relay.
 */

export function relayStatus(runners: readonly SourceRunner[]): RelayStatus {
  return { protocol: RELAY_PROTOCOL, sources: runners.map(servedSource) };
}

export function servedSource(runner: SourceRunner): ServedSource {
  const { status, since } = runner.state;
  return {
    id: runner.id,
    label: runner.config.label,
    environment: runner.environment,
    ...(status.checkedAt !== undefined && { checkedAt: status.checkedAt }),
    ...(status.accountsTotal !== undefined && { accountsTotal: status.accountsTotal }),
    ...(status.error && { error: problem(status.error, runner.lastFailure()) }),
    ...(status.error && status.backoff && { retryAt: status.backoff.notBefore }),
    accounts: status.accounts.map((account) => relayAccount(account, since[account.id] ?? {}, runner.detail(account.id))),
  };
}

function relayAccount(account: AccountStatus, since: Record<string, number>, detail: FailureDetail | undefined): RelayAccount {
  return {
    id: account.id,
    ...(account.name !== undefined && { name: account.name }),
    ...(account.checkedAt !== undefined && { checkedAt: account.checkedAt }),
    reauth: account.reauth.map((app): RelayApp => ({ ...appFields(app), since: since[app.slug] ?? account.checkedAt ?? 0 })),
    healthyCount: account.healthyCount,
    ...(account.error && { error: problem(account.error, detail) }),
    ...(account.skipped !== undefined && { skipped: account.skipped }),
  };
}

function appFields(app: AppRecord): { slug: string; name: string; icon?: string; authType?: string } {
  const out: { slug: string; name: string; icon?: string; authType?: string } = { slug: app.slug, name: app.name };
  if (isHttpUrl(app.icon)) out.icon = app.icon;
  if (app.authType !== undefined) out.authType = app.authType;
  return out;
}

/** A stored error as data: its kind and time, plus status and wait when the failure had them. */
function problem(error: ErrorInfo, detail: FailureDetail | undefined): DatedProblem {
  const out: DatedProblem = { kind: error.kind, at: error.at };
  if (detail?.kind === error.kind) {
    if (detail.status !== undefined) out.status = detail.status;
    if (detail.retryAfterMs !== undefined) out.retryAfterMs = detail.retryAfterMs;
  }
  return out;
}

export function relayHealthyApps(runners: readonly SourceRunner[]): RelayHealthyApps {
  return {
    protocol: RELAY_PROTOCOL,
    sources: runners.map((runner) => {
      const accounts: Record<string, ReturnType<typeof appFields>[]> = {};
      for (const account of runner.state.status.accounts) accounts[account.id] = (runner.state.healthy[account.id] ?? []).map(appFields);
      return { id: runner.id, accounts };
    }),
  };
}

export interface Rendered {
  body: string;
  etag: string;
}

/**
 * A rendered body and its strong ETag, rebuilt only when a runner's state changed: a thousand
 * polls a minute cost one serialisation and one hash per change, not per poll.
 */
export class CachedView {
  #key = "";
  #rendered: Promise<Rendered> | undefined;

  constructor(
    private readonly runners: readonly SourceRunner[],
    private readonly build: (runners: readonly SourceRunner[]) => unknown,
  ) {}

  get(): Promise<Rendered> {
    const key = this.runners.map((runner) => runner.version).join(",");
    if (!this.#rendered || key !== this.#key) {
      this.#key = key;
      this.#rendered = render(this.build(this.runners));
    }
    return this.#rendered;
  }
}

/** The body is built with a fixed key order, so equal data gives equal bytes and equal tags. */
export async function render(value: unknown): Promise<Rendered> {
  const body = JSON.stringify(value);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return { body, etag: `"${base64url(digest)}"` };
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === opaque);
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
