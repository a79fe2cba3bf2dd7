import { z } from "../zod.ts";
import type { Notice } from "../notices.ts";
import type { PreviewState } from "./state.ts";

const PreviewSchema = z.object({ startedAt: z.number() });

/**
 * The stored `preview` value. Absent: off. Unreadable: off as well (the user's own data is the
 * safe thing to show), with a notice. Unknown fields are accepted (a later version's).
 */
export function parseStoredPreview(raw: unknown): { preview?: PreviewState; notice?: Notice } {
  if (raw === undefined) return {};
  const result = PreviewSchema.safeParse(raw);
  return result.success ? { preview: { startedAt: result.data.startedAt } } : { notice: { code: "preview-unreadable" } };
}
