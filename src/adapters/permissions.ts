import { api } from "./browser.ts";
import { originPattern } from "../core/kit/url.ts";

export async function hasApiPermission(baseUrl: string): Promise<boolean> {
  try {
    return await api().permissions.contains({ origins: [originPattern(baseUrl)] });
  } catch {
    return false;
  }
}

/**
 * Must run straight from a click handler, before any other await: browsers only show the
 * permission prompt during a user gesture.
 */
export function requestApiPermission(baseUrl: string): Promise<boolean> {
  return api().permissions.request({ origins: [originPattern(baseUrl)] });
}
