import * as z from "zod/mini";
import { dict } from "./dict.ts";

// zod compiles fast parsers with `new Function` unless told not to; MV3's CSP forbids that,
// and we promise no eval-like code at run time. Every module takes zod from here.
z.config({ jitless: true });

export { z };

/**
 * An object used as a map from IDs from outside (linked accounts, app slugs) to `value`s: every
 * own key kept, `__proto__` included (z.record drops it, and that account's entry with it), read
 * into an object without a prototype (dict.ts). An entry that does not parse fails the whole.
 */
export function dictOf<T extends z.ZodMiniType>(value: T) {
  return z.pipe(
    z.custom<Record<string, unknown>>((raw) => typeof raw === "object" && raw !== null && !Array.isArray(raw)),
    z.transform((raw: Record<string, unknown>, ctx) => {
      const out = dict<z.output<T>>();
      for (const [key, entry] of Object.entries(raw)) {
        const parsed = value.safeParse(entry);
        if (parsed.success) out[key] = parsed.data;
        else ctx.issues.push({ code: "custom", input: entry, path: [key] });
      }
      return out;
    }),
  );
}
