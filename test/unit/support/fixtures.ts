import type { ApplicationList, LinkedAccountPage } from "../../../src/core/api/client.ts";
import type { ApiError } from "../../../src/core/api/errors.ts";
import type { Application, LinkedAccount } from "../../../src/core/api/schemas.ts";
import { newSource, type CheckSettings, type CobaltSource } from "../../../src/core/settings/model.ts";
import { sourceKey } from "../../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type AccountStatus, type Status } from "../../../src/core/status/model.ts";

export const TEST_KEY = "tk_0123456789abcdef";

/** One source's settings (the first source's, "main", unless told). */
export function makeSettings(overrides: Partial<CobaltSource> = {}): CobaltSource {
  return { ...newSource("main"), apiKey: TEST_KEY, ...overrides };
}

/** A status that belongs to `settings` (same source). */
export function makeStatus(settings: CheckSettings, overrides: Partial<Status> = {}): Status {
  return { schemaVersion: STATUS_VERSION, source: sourceKey(settings), accounts: [], ...overrides };
}

export function account(id: string, overrides: Partial<AccountStatus> = {}): AccountStatus {
  return { id, reauth: [], healthyCount: 0, ...overrides };
}

export function app(slug: string, overrides: Partial<Application> = {}): Application {
  return { slug, name: slug.charAt(0).toUpperCase() + slug.slice(1), connected: true, reauth_required: false, ...overrides };
}

export function reauthApp(slug: string, overrides: Partial<Application> = {}): Application {
  return app(slug, { reauth_required: true, ...overrides });
}

export type Scripted<T> = T | ApiError | (() => T | ApiError);

/**
 * A scripted stand-in for CobaltClient's two read calls. Each account (or page) gets a queue of
 * answers; the last one repeats. Every call is recorded, in order.
 */
export class FakeClient {
  readonly calls: string[] = [];
  readonly apps = new Map<string, Scripted<ApplicationList>[]>();
  readonly pages: Scripted<LinkedAccountPage>[] = [];
  /** Answer for a page beyond `pages`, if any. */
  morePages?: (page: number, limit: number) => LinkedAccountPage;

  setApps(id: string, ...answers: Scripted<ApplicationList>[]): this {
    this.apps.set(id, answers);
    return this;
  }

  appCalls(): string[] {
    return this.calls.filter((call) => call.startsWith("apps:")).map((call) => call.slice(5));
  }

  pageCalls(): string[] {
    return this.calls.filter((call) => call.startsWith("page:"));
  }

  async listApplications(linkedAccountId: string): Promise<ApplicationList> {
    this.calls.push(`apps:${linkedAccountId}`);
    const queue = this.apps.get(linkedAccountId);
    if (!queue || queue.length === 0) throw new Error(`FakeClient: no script for account ${linkedAccountId}`);
    const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
    return settle(answer);
  }

  async listLinkedAccounts(page: number, limit: number): Promise<LinkedAccountPage> {
    this.calls.push(`page:${page}:${limit}`);
    const answer = this.pages[page - 1];
    if (answer !== undefined) return settle(answer);
    if (this.morePages) return this.morePages(page, limit);
    throw new Error(`FakeClient: no script for page ${page}`);
  }
}

function settle<T>(answer: Scripted<T>): T {
  const value = typeof answer === "function" ? (answer as () => T | ApiError)() : answer;
  if (value instanceof Error) throw value;
  return value;
}

export function appList(...apps: Application[]): ApplicationList {
  return { apps, skipped: 0 };
}

export function linkedAccount(id: string, overrides: Partial<LinkedAccount> = {}): LinkedAccount {
  return { account_id: id, name: `Account ${id}`, ...overrides };
}

export function page(accounts: LinkedAccount[], overrides: Partial<LinkedAccountPage> = {}): LinkedAccountPage {
  return { accounts, skipped: 0, totalDocs: undefined, totalPages: undefined, hasNextPage: false, ...overrides };
}
