import { readFileSync } from "node:fs";
import { parseStoredHealthy, parseStoredStatus } from "../../../core/status/stored.ts";
import { dictOf, z } from "../../../core/kit/zod.ts";
import { writeFileAtomic } from "../base/files.ts";
import { errorName, type Logger } from "../base/log.ts";
import type { SourceRunner, SourceState } from "../check/runner.ts";

/*
 * The last status of every source, on disk beside the config, so that a restarted relay serves
 * what it knew at once instead of an empty list until its first check ends. Written atomically a
 * moment after each change (changes in a burst make one write); read once at start, through the
 * core's own parsers for stored status.
 */

const SAVE_DELAY_MS = 1_000;

const SinceSchema = dictOf(dictOf(z.number()));
const StateFileSchema = z.looseObject({
  version: z.literal(1),
  sources: z.record(z.string(), z.looseObject({ status: z.unknown(), healthy: z.unknown(), since: z.catch(SinceSchema, {}) })),
});

export class StateFile {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #runners: readonly SourceRunner[] = [];

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  load(): Record<string, SourceState> {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return {};
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = StateFileSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn("state-unreadable", { path: this.path });
      return {};
    }
    const states: Record<string, SourceState> = {};
    for (const [id, stored] of Object.entries(parsed.data.sources)) {
      const status = parseStoredStatus(stored.status);
      const healthy = parseStoredHealthy(stored.healthy);
      if (status.notice || healthy.notice) this.log.warn("state-unreadable", { path: this.path, source: id });
      states[id] = { status: status.value, healthy: healthy.value, since: stored.since };
    }
    return states;
  }

  /** Saves `runners`' state soon; several changes in a row make one write. */
  scheduleSave(runners: readonly SourceRunner[]): void {
    this.#runners = runners;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, SAVE_DELAY_MS);
  }

  /** Writes now (at shutdown) and waits for every write to finish. */
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
    const text = JSON.stringify({ version: 1, sources });
    this.#writing = this.#writing
      .then(() => writeFileAtomic(this.path, text))
      .catch((error: unknown) => this.log.error("state-save-failed", { path: this.path, error: errorName(error) }));
    return this.#writing;
  }
}
