import { parseStoredHealthy, parseStoredStatus } from "../../../core/status/stored.ts";
import { dictOf, z } from "../../../core/kit/zod.ts";
import { errorName, type Logger } from "../base/log.ts";
import type { SourceRunner, SourceState } from "../check/runner.ts";
import { StoreFormatError, type DocumentKind, type Records } from "./records.ts";

/*
 * The last status of every source, kept so that a restarted relay serves what it knew at once
 * instead of an empty list until its first check ends. Written a moment after each change
 * (changes in a burst make one write); read once at start, through the core's own parsers for
 * stored status. It is a cache: one that cannot be read is set aside with a warning, and the
 * first check rebuilds it.
 */

const SAVE_DELAY_MS = 1_000;

const SinceSchema = dictOf(dictOf(z.number()));
const StoredSourceSchema = z.looseObject({ status: z.unknown(), healthy: z.unknown(), since: z.catch(SinceSchema, {}) });
const StateFileSchema = z.looseObject({
  version: z.literal(1),
  sources: z.record(z.string(), StoredSourceSchema),
});
interface StoredSource {
  status: unknown;
  healthy: unknown;
  since: z.infer<typeof SinceSchema>;
}

/** The last status record, `{ version: 1, sources: { <id>: { status, healthy, since } } }` (the file on Node, as before). */
export const STATE: DocumentKind<Record<string, StoredSource>> = {
  name: "state",
  label: "the last status",
  empty: () => ({}),
  parse(raw) {
    const parsed = StateFileSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, problem: "it does not have the expected shape" };
    const sources: Record<string, StoredSource> = {};
    for (const [id, { status, healthy, since }] of Object.entries(parsed.data.sources)) sources[id] = { status, healthy, since };
    return { ok: true, value: sources };
  },
  encode: (sources) => JSON.stringify({ version: 1, sources }),
};

/** Each source's last state; a source whose part cannot be read starts empty, with a warning. */
export async function loadStates(records: Records, log: Logger): Promise<Record<string, SourceState>> {
  let stored: Record<string, StoredSource>;
  try {
    stored = (await records.read(STATE)).value;
  } catch (error) {
    if (!(error instanceof StoreFormatError)) throw error;
    log.warn("state-unreadable", { path: records.backend.where(STATE.name) });
    return {};
  }
  const states: Record<string, SourceState> = {};
  for (const [id, source] of Object.entries(stored)) {
    const status = parseStoredStatus(source.status);
    const healthy = parseStoredHealthy(source.healthy);
    if (status.notice || healthy.notice) log.warn("state-unreadable", { path: records.backend.where(STATE.name), source: id });
    states[id] = { status: status.value, healthy: healthy.value, since: source.since };
  }
  return states;
}

/** Saves the runners' state soon after each change; flush() writes at once (at shutdown, at the end of an alarm). */
export class StateSaver {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #runners: readonly SourceRunner[] = [];

  constructor(
    private readonly records: Records,
    private readonly log: Logger,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  scheduleSave(runners: readonly SourceRunner[]): void {
    this.#runners = runners;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, this.delayMs);
  }

  /** Writes what is pending now and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#save();
    }
    await this.#writing;
  }

  #save(): Promise<void> {
    const sources: Record<string, SourceState> = {};
    for (const runner of this.#runners) sources[runner.id] = runner.state;
    this.#writing = this.#writing
      .then(() => this.records.write(STATE, sources))
      .catch((error: unknown) => this.log.error("state-save-failed", { path: this.records.backend.where(STATE.name), error: errorName(error) }));
    return this.#writing;
  }
}
