import type { Notice } from "../settings/notices.ts";
import type { PreviewState } from "./state.ts";
import { num, object, type Guard } from "../kit/guards.ts";

/**
 * The stored `preview` value. Absent: off. Unreadable: off as well (the user's own data is the
 * safe thing to show), with a notice. Unknown fields are accepted (a later version's). Read by its
 * guard, whose zod twin is in test/unit/support/schemas.ts.
 */
export function parseStoredPreview(raw: unknown): { preview?: PreviewState; notice?: Notice } {
  if (raw === undefined) return {};
  const preview = readPreview(raw);
  return preview ? { preview } : { notice: { code: "preview-unreadable" } };
}

/** The sample-data preview, while it is on (core/preview/state.ts). */
export const readPreview: Guard<PreviewState> = object({ startedAt: num });
