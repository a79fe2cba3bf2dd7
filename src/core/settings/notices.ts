import type { BaseUrlProblem } from "../kit/url.ts";
import type { SettingsField } from "./model.ts";
import type { SourceId } from "./source-ids.ts";

/**
 * Stored values that could not be read (and fell back, or were set aside), as data: the pages
 * word them when they show them.
 */
export type Notice = NoticeOf & {
  /** The source the notice is about, when there are several. */
  sourceId?: SourceId;
};

type NoticeOf =
  | { code: "settings-unreadable" }
  /** One setting fell back to its default; `problem` says why a readable base URL may not be used. */
  | { code: "field-reset"; field: SettingsField; problem?: BaseUrlProblem }
  /** A saved source that is not an object: left out. */
  | { code: "source-unreadable" }
  /** A saved source of a kind this version does not know (a newer version's): left out. */
  | { code: "source-unknown-kind"; kind: string }
  | { code: "results-unreadable" }
  | { code: "healthy-unreadable" }
  | { code: "accounts-unreadable"; count: number }
  /** Some check results were lost, how many is not known. */
  | { code: "part-unreadable" }
  /** The notifications preference could not be read: they are off. */
  | { code: "notifications-reset" }
  /** The stored sample-data preview choice could not be read: the preview is off. */
  | { code: "preview-unreadable" };
