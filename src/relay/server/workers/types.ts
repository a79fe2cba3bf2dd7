/*
 * The parts of the Workers runtime the relay uses, typed here from Cloudflare's documentation
 * (Durable Object state, SQLite storage, alarms, namespaces), so the project needs no types
 * package whose globals would clash with the DOM's.
 */

export type SqlValue = string | number | null | ArrayBuffer;

export interface SqlCursor<Row> {
  toArray(): Row[];
}

export interface SqlStorage {
  exec<Row = Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]): SqlCursor<Row>;
}

export interface DurableObjectStorage {
  sql: SqlStorage;
  /** Runs `callback` as one transaction: all of its writes land, or none. */
  transactionSync<T>(callback: () => T): T;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export interface DurableObjectState {
  storage: DurableObjectStorage;
  /** Holds every event (request, alarm) back until `callback` has finished. */
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
}

export interface DurableObjectStub {
  fetch(request: Request): Promise<Response>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStub;
}
