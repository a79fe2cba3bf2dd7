/**
 * One JSON object per line, to stdout (or wherever `write` says). Fields are data, not prose
 * assembled from errors: callers log an error's kind and status, never its message, because
 * Cobalt's messages could echo anything. As a second line of defence every line is scrubbed of
 * the secrets the logger was given (the API keys), so a mistake elsewhere cannot print one.
 */
export type Fields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export const REDACTED = "[redacted]";

export function createLogger(options: { secrets: readonly string[]; write?: (line: string) => void; now?: () => number }): Logger {
  const secrets = [...options.secrets];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit = (level: string, event: string, fields: Fields = {}) => {
    write(escapeInvisible(scrub(JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields }), secrets)));
  };
  return {
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}

/** `text` with every occurrence of every secret (of 4 characters or more) replaced. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * `json` with every control, format (direction marks and overrides, zero-width characters) and
 * line or paragraph separator written as a \uXXXX escape. JSON.stringify escapes only U+0000 to
 * U+001F, so U+2028 would still break a line in some readers and U+202E would turn what follows
 * around on screen; escaped, a line reads as what it holds and parses back to the same value.
 */
export function escapeInvisible(json: string): string {
  return json.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (char) => {
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}

/** What may be logged of a thrown value: its class name, nothing it says. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export interface ThrottleOptions {
  /** Lines written per event and window; the rest are counted. */
  perWindow?: number;
  windowMs?: number;
  now?(): number;
  /** Runs `run` after `ms` (default setTimeout); returns how to cancel it. */
  schedule?(ms: number, run: () => void): () => void;
}

/** What a throttled line may say: its `address` and `reason` are also what its summary counts. */
export type NoiseFields = Fields & { address?: string; reason?: string };

interface EventWindow {
  level: "info" | "warn";
  start: number;
  written: number;
  held: number;
  addresses: Set<string>;
  reasons: Map<string, number>;
}

/** Distinct addresses counted per window: past this the summary says "at least". */
const MAX_ADDRESSES = 1_000;

/**
 * Lines that anyone can cause without a token or a signature (rejected webhooks, rejected tokens,
 * unsigned webhooks), limited so that a flood of requests cannot fill the disk: per event, the first
 * `perWindow` lines of each window are written as they come, the rest are counted, and when the
 * window ends one `<event>-summary` line says how many were held back, from how many addresses
 * and for which reasons.
 */
export class LogThrottle {
  readonly #log: Logger;
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #schedule: (ms: number, run: () => void) => () => void;
  readonly #windows = new Map<string, EventWindow>();
  #cancel: (() => void) | undefined;

  constructor(log: Logger, options: ThrottleOptions = {}) {
    this.#log = log;
    this.#perWindow = options.perWindow ?? 20;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? defaultSchedule;
  }

  info(event: string, fields: NoiseFields): void {
    this.#note("info", event, fields);
  }

  warn(event: string, fields: NoiseFields): void {
    this.#note("warn", event, fields);
  }

  #note(level: "info" | "warn", event: string, fields: NoiseFields): void {
    const now = this.#now();
    let window = this.#windows.get(event);
    if (window && now - window.start >= this.#windowMs) {
      this.#summarise(event, window);
      window = undefined;
    }
    if (!window) {
      window = { level, start: now, written: 0, held: 0, addresses: new Set(), reasons: new Map() };
      this.#windows.set(event, window);
    }
    if (window.written < this.#perWindow) {
      window.written++;
      this.#log[level](event, fields);
      return;
    }
    window.held++;
    if (fields.address !== undefined && window.addresses.size < MAX_ADDRESSES) window.addresses.add(fields.address);
    if (fields.reason !== undefined) window.reasons.set(fields.reason, (window.reasons.get(fields.reason) ?? 0) + 1);
    this.#arm(now);
  }

  /** Writes every summary due, ended windows or not (the relay is stopping). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    for (const [event, window] of this.#windows) this.#summarise(event, window);
    this.#windows.clear();
  }

  /** A timer for the end of the first window holding lines back, so its summary comes without waiting for another line. */
  #arm(now: number): void {
    if (this.#cancel) return;
    let end = Infinity;
    for (const window of this.#windows.values()) if (window.held > 0) end = Math.min(end, window.start + this.#windowMs);
    if (end === Infinity) return;
    this.#cancel = this.#schedule(Math.max(1, end - now), () => {
      this.#cancel = undefined;
      this.#flushEnded();
    });
  }

  #flushEnded(): void {
    const now = this.#now();
    for (const [event, window] of this.#windows) {
      if (now - window.start < this.#windowMs) continue;
      this.#summarise(event, window);
      this.#windows.delete(event);
    }
    this.#arm(now);
  }

  #summarise(event: string, window: EventWindow): void {
    if (window.held === 0) return;
    const fields: Fields = { held: window.held, addresses: window.addresses.size, seconds: Math.round((this.#now() - window.start) / 1000) };
    if (window.addresses.size >= MAX_ADDRESSES) fields.addressesAtLeast = true;
    for (const [reason, count] of window.reasons) fields[`reason:${reason}`] = count;
    this.#log[window.level](`${event}-summary`, fields);
    window.held = 0;
  }
}

function defaultSchedule(ms: number, run: () => void): () => void {
  const timer = setTimeout(run, ms);
  // On Node the relay's close flushes; a pending summary alone must not keep a process alive.
  (timer as { unref?: () => void }).unref?.();
  return () => clearTimeout(timer);
}
