import type { ErrorInfo, AccountStatus } from "../../../core/status/model.ts";
import type { AppRecord } from "../../../core/api/records.ts";
import { isHttpUrl } from "../../../core/kit/url.ts";
import {
  RELAY_PROTOCOL,
  type DatedProblem,
  type HealthyApp,
  type RelayAccount,
  type RelayApp,
  type RelayHealthyApps,
  type RelayHealthyCompact,
  type ServedSource,
  type RelayStatus,
} from "../../protocol/v1.ts";
import type { DeskView } from "../../protocol/desk.ts";
import type { FailureDetail } from "../check/cobalt.ts";
import type { SourceRunner } from "../check/runner.ts";
import type { Desk } from "../store/desk.ts";
import { dict, own } from "../../../core/kit/dict.ts";

/*
 * What members see, built from the runners' state. Only what the protocol names is copied, field
 * by field: the stored status also holds Cobalt's error sentences and a fingerprint of the
 * settings, and none of that leaves the relay.
 */

/**
 * The status members poll. Compact (what the extension asks for): only the accounts with
 * something to show, the rest counted, so its size follows what is broken rather than the org.
 */
export function relayStatus(runners: readonly SourceRunner[], compact = false, desk?: { desk: Desk; now: number }): RelayStatus {
  return { protocol: RELAY_PROTOCOL, sources: runners.map((runner) => servedSource(runner, compact, desk && deskView(desk.desk, runner, desk.now))) };
}

/** A source's desk as members see it: what is live now, each list left out while empty, and the desk too. */
export function deskView(desk: Desk, runner: SourceRunner, now: number): DeskView | undefined {
  const live = desk.live(runner, now);
  const where = (entry: { account: string; app?: string }) => (entry.app === undefined ? { account: entry.account } : { account: entry.account, app: entry.app });
  const view: DeskView = {};
  if (live.claims.length > 0) view.claims = live.claims.map((claim) => ({ ...where(claim), member: claim.member, since: claim.at, ...(claim.from === undefined ? {} : { from: claim.from }) }));
  if (live.mutes.length > 0) {
    view.mutes = live.mutes.map((mute) => ({ ...where(mute), member: mute.member, at: mute.at, ...(mute.until === undefined ? {} : { until: mute.until }), ...(mute.breaks ? { breaks: mute.breaks } : {}) }));
  }
  if (live.notes.length > 0) view.notes = live.notes.map((note) => ({ ...where(note), member: note.member, at: note.at, text: note.text }));
  if (live.fixed.length > 0) {
    view.fixed = live.fixed.map((entry) => ({
      ...where(entry),
      member: entry.member,
      since: entry.since,
      at: entry.at,
      name: entry.names.app ?? entry.names.account ?? entry.account,
      ...(entry.names.account === undefined ? {} : { accountName: entry.names.account }),
    }));
  }
  return Object.keys(view).length === 0 ? undefined : view;
}

/** What a member is shown of an account: an app to re-authenticate, a failure, items not read. */
export function hasSomethingToShow(account: AccountStatus): boolean {
  return account.reauth.length > 0 || account.error !== undefined || (account.skipped ?? 0) > 0;
}

export function servedSource(runner: SourceRunner, compact = false, desk?: DeskView): ServedSource {
  const { status, since } = runner.state;
  const listed = compact ? status.accounts.filter(hasSomethingToShow) : status.accounts;
  const source: ServedSource = {
    id: runner.id,
    label: runner.config.label,
    environment: runner.environment,
    ...(status.checkedAt !== undefined && { checkedAt: status.checkedAt }),
    ...(status.accountsTotal !== undefined && { accountsTotal: status.accountsTotal }),
    ...(status.error && { error: problem(status.error, runner.lastFailure()) }),
    ...(status.error && status.backoff && { retryAt: status.backoff.notBefore }),
    accounts: listed.map((account) => relayAccount(account, own(since, account.id) ?? dict<number>(), runner.detail(account.id))),
  };
  if (compact) source.unlisted = unlistedOf(status.accounts);
  if (desk) source.desk = desk;
  return source;
}

function unlistedOf(accounts: readonly AccountStatus[]): { accounts: number; healthyApps: number } {
  const unlisted = { accounts: 0, healthyApps: 0 };
  for (const account of accounts) {
    if (hasSomethingToShow(account)) continue;
    unlisted.accounts++;
    unlisted.healthyApps += account.healthyCount;
  }
  return unlisted;
}

function relayAccount(account: AccountStatus, since: Record<string, number>, detail: FailureDetail | undefined): RelayAccount {
  return {
    id: account.id,
    ...(account.name !== undefined && { name: account.name }),
    ...(account.checkedAt !== undefined && { checkedAt: account.checkedAt }),
    reauth: account.reauth.map((app): RelayApp => ({ ...appFields(app), since: own(since, app.slug) ?? account.checkedAt ?? 0 })),
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
      const accounts = dict<ReturnType<typeof appFields>[]>();
      for (const account of runner.state.status.accounts) accounts[account.id] = (own(runner.state.healthy, account.id) ?? []).map(appFields);
      return { id: runner.id, accounts };
    }),
  };
}

/**
 * The healthy apps as a catalog (`?compact=1`): each app once, and per account with healthy apps
 * its name and their indices. Names come along because a compact status lists few accounts.
 */
export function relayHealthyCompact(runners: readonly SourceRunner[]): RelayHealthyCompact {
  return {
    protocol: RELAY_PROTOCOL,
    sources: runners.map((runner) => {
      const apps: HealthyApp[] = [];
      const indices = new Map<string, number>();
      // Keyed by the app as stored, so each distinct app's fields (and its icon's URL check) are made once, not once per account.
      const index = (app: AppRecord) => {
        const key = `${app.slug}\u0000${app.name}\u0000${app.icon ?? ""}\u0000${app.authType ?? "\u0001"}`;
        let at = indices.get(key);
        if (at === undefined) indices.set(key, (at = apps.push(appFields(app)) - 1));
        return at;
      };
      const accounts: RelayHealthyCompact["sources"][number]["accounts"] = [];
      for (const account of runner.state.status.accounts) {
        const healthy = runner.state.healthy[account.id] ?? [];
        if (healthy.length === 0) continue;
        accounts.push({ id: account.id, ...(account.name !== undefined && { name: account.name }), apps: healthy.map(index) });
      }
      return { id: runner.id, apps, accounts };
    }),
  };
}

export interface Rendered {
  body: string;
  etag: string;
  /** The body gzipped, made on first use and kept: every member who accepts gzip gets the same bytes. */
  gzipped(): Promise<Uint8Array<ArrayBuffer>>;
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
    /** What else the body is built from (the desk's version), as part of the cache key. */
    private readonly also: () => string = () => "",
  ) {}

  get(): Promise<Rendered> {
    const key = `${this.runners.map((runner) => runner.version).join(",")};${this.also()}`;
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
  let gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;
  // Encoded again when first asked for, so the bytes are not kept beside the text meanwhile.
  return { body, etag: `"${base64url(digest)}"`, gzipped: () => (gzipped ??= gzip(new TextEncoder().encode(body))) };
}

/** CompressionStream is the web standard's: the same code compresses on Node and in a Worker. */
async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3): named with a weight above 0, or `*` above 0 with gzip not named. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let any: number | undefined;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";");
    const q = params.map((param) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param)).find((found) => found !== null);
    const weight = q ? Number(q[1]) : 1;
    const coding = name.trim().toLowerCase();
    if (coding === "gzip" || coding === "x-gzip") return weight > 0;
    if (coding === "*") any = weight;
  }
  return (any ?? 0) > 0;
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
