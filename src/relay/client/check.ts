import type { ApiError } from "../../core/api/errors.ts";
import type { AppRecord } from "../../core/api/records.ts";
import { problemInfo } from "./client.ts";
import type { LinkRequest, RelayAccount, ServedSource, RelayStatus } from "../protocol/v1.ts";
import { cleanNote, NOTE_MAX_CHARS, type DeskView } from "../protocol/desk.ts";
import type { TeamDesk } from "../../core/status/desk.ts";
import { nextBackoff } from "../../core/check/schedule.ts";
import { fingerprint } from "../../core/settings/fingerprint.ts";
import { type RelaySource } from "../../core/settings/model.ts";
import { STATUS_VERSION, type AccountStatus, type RelayMeta, type Status } from "../../core/status/model.ts";
import { isIconUrl } from "../../core/kit/url.ts";

/*
 * A relay source's check, as pure functions: the relay's answer to GET /v1/status and
 * the previous status give the next status, the same Status a Cobalt source's check stores, so
 * the badge, the popup and the options page render it unchanged. The background does the fetch.
 *
 * The relay may serve several sources of its own (a test and a production key, say). Their
 * accounts are listed together; with more than one, each account's id is "<relay source id>/<id>"
 * so that two sources' accounts of the same id stay apart (relay source ids have no "/").
 *
 * The status asked for is the compact one: it lists the accounts with something to show and
 * counts the others, which the stored status keeps as counts (RelayMeta.unlisted), so what is
 * stored grows with what is broken, not with the org. A relay from before answers in full, which
 * is stored as it always was.
 */

export type RelayOutcome = { kind: "not-modified" } | { kind: "ok"; etag?: string; body: RelayStatus } | { kind: "failed"; error: ApiError };

/** The ETag to ask with: only for results of this very relay and token, and never after a failure. */
export function relayEtag(source: RelaySource, previous: Status): string | undefined {
  return previous.source === fingerprint(source) ? previous.relay?.etag : undefined;
}

export function nextRelayStatus(source: RelaySource, previous: Status, outcome: RelayOutcome, now: number, random: () => number): Status {
  switch (outcome.kind) {
    case "not-modified":
      return { ...previous, checkedAt: now };
    case "ok":
      return fromRelay(source, outcome.body, outcome.etag, now);
    case "failed":
      return failedPoll(source, previous, outcome.error, now, random);
  }
}

/** Last good data kept (of this relay and token only), the failure recorded, backoff as for any failure. */
function failedPoll(source: RelaySource, previous: Status, error: ApiError, now: number, random: () => number): Status {
  const same = previous.source === fingerprint(source);
  const base: Status = same ? { ...previous } : { schemaVersion: STATUS_VERSION, source: fingerprint(source), accounts: [] };
  const status: Status = { ...base, error: error.info(now) };
  const backoff = nextBackoff(same ? previous.backoff : undefined, error, source.intervalMinutes, now, random);
  if (backoff) status.backoff = backoff;
  else delete status.backoff;
  if (status.relay) {
    const { etag: _dropped, ...kept } = status.relay;
    status.relay = kept;
  }
  return status;
}

function fromRelay(source: RelaySource, body: RelayStatus, etag: string | undefined, now: number): Status {
  const prefixed = body.sources.length > 1;
  const relay: RelayMeta = { ...(etag === undefined ? {} : { etag }), sources: body.sources.map((served) => served.id) };
  // Compact when the relay counted some accounts instead of listing them (a relay from before never does).
  if (body.sources.some((served) => served.unlisted !== undefined)) {
    relay.unlisted = {
      accounts: body.sources.reduce((sum, served) => sum + (served.unlisted?.accounts ?? 0), 0),
      healthyApps: body.sources.reduce((sum, served) => sum + (served.unlisted?.healthyApps ?? 0), 0),
    };
  }
  // A relay with a desk names the member who asks; its desk is kept whole, empty or not.
  if (body.member !== undefined) {
    relay.member = body.member.slice(0, MAX_NAME);
    relay.desk = teamDeskOf(body.sources, prefixed);
  }
  const status: Status = {
    schemaVersion: STATUS_VERSION,
    source: fingerprint(source),
    checkedAt: now,
    accounts: body.sources.flatMap((served) => served.accounts.map((account) => toAccount(account, prefixed ? `${served.id}/` : ""))),
    accountsTotal: body.sources.reduce((sum, served) => sum + (served.accountsTotal ?? served.accounts.length + (served.unlisted?.accounts ?? 0)), 0),
    relay,
  };
  const failing = body.sources.find((served) => served.error !== undefined);
  if (failing) status.error = sourceError(failing);
  return status;
}

function sourceError(served: ServedSource): Status["error"] {
  return problemInfo(served.error!, served.retryAt);
}

const MAX_NAME = 200;

function toAccount(account: RelayAccount, prefix: string): AccountStatus {
  const out: AccountStatus = { id: prefix + account.id, reauth: account.reauth.map(toApp), healthyCount: account.healthyCount };
  if (account.name !== undefined) out.name = account.name.slice(0, MAX_NAME);
  if (account.checkedAt !== undefined) out.checkedAt = account.checkedAt;
  if (account.error) out.error = problemInfo(account.error);
  if (account.skipped !== undefined) out.skipped = account.skipped;
  return out;
}

/**
 * The relay's desks of every source as one, account ids as the stored status has them. Names are
 * cut like an account's; a note is cleaned and cut as the relay does, whatever a relay sends.
 */
function teamDeskOf(sources: readonly ServedSource[], prefixed: boolean): TeamDesk {
  const desk: TeamDesk = { claims: [], mutes: [], notes: [], fixed: [] };
  for (const served of sources) {
    const view: DeskView = served.desk ?? {};
    const where = (entry: { account: string; app?: string | undefined; member: string }) => ({
      accountId: (prefixed ? `${served.id}/` : "") + entry.account,
      ...(entry.app === undefined ? {} : { slug: entry.app }),
      member: entry.member.slice(0, MAX_NAME),
    });
    for (const claim of view.claims ?? []) desk.claims.push({ ...where(claim), since: claim.since, ...(claim.from === undefined ? {} : { from: claim.from.slice(0, MAX_NAME) }) });
    for (const mute of view.mutes ?? []) {
      const breaks = mute.breaks?.map((each) => (each.since === undefined ? { slug: each.slug } : { slug: each.slug, since: each.since }));
      desk.mutes.push({ ...where(mute), at: mute.at, ...(mute.until === undefined ? {} : { until: mute.until }), ...(breaks ? { breaks } : {}) });
    }
    for (const note of view.notes ?? []) desk.notes.push({ ...where(note), at: note.at, text: [...cleanNote(note.text)].slice(0, NOTE_MAX_CHARS).join("") });
    for (const fixed of view.fixed ?? []) {
      desk.fixed.push({ ...where(fixed), since: fixed.since, at: fixed.at, name: fixed.name.slice(0, MAX_NAME), ...(fixed.accountName === undefined ? {} : { accountName: fixed.accountName.slice(0, MAX_NAME) }) });
    }
  }
  return desk;
}

/** The same rules as records.ts for Cobalt's apps: a name always, an icon only from where pages may load one. */
export function toApp(app: { slug: string; name: string; icon?: string | undefined; authType?: string | undefined; since?: number | undefined }): AppRecord {
  const record: AppRecord = { slug: app.slug, name: (app.name.trim() || app.slug).slice(0, MAX_NAME) };
  if (isIconUrl(app.icon)) record.icon = app.icon;
  if (app.authType !== undefined) record.authType = app.authType;
  if (app.since !== undefined) record.since = app.since;
  return record;
}

/** What POST /v1/links needs for one app of one stored account; undefined when the relay did not list it. */
export function relayLinkTarget(status: Status, accountId: string, slug: string): LinkRequest | undefined {
  if (!status.accounts.some((account) => account.id === accountId)) return undefined;
  const target = relayTarget(status, accountId);
  return target && { ...target, slug };
}

/** The relay's source and linked account of a stored account id (prefixed when the relay serves several). */
export function relayTarget(status: Status, accountId: string): { sourceId: string; linkedAccountId: string } | undefined {
  const sources = status.relay?.sources ?? [];
  if (sources.length === 1) return { sourceId: sources[0]!, linkedAccountId: accountId };
  const cut = accountId.indexOf("/");
  const sourceId = accountId.slice(0, cut);
  return cut > 0 && sources.includes(sourceId) ? { sourceId, linkedAccountId: accountId.slice(cut + 1) } : undefined;
}
