/**
 * Rules the stores put on the listing text, checked before anything is packaged so a listing
 * that a store would refuse never reaches a release.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Chrome Web Store: the manifest description is the listing's summary, at most 132 characters. */
export const SHORT_DESCRIPTION_MAX = 132;
/** Chrome's manifest documentation: a name of at most 75 characters. */
export const NAME_MAX = 75;

export interface Listing {
  /** manifest.json `name`. */
  name: string;
  /** manifest.json `description`. */
  manifestDescription: string;
  /** store/description-short.txt, without its final newline. */
  shortDescription: string;
  /** store/description-long.txt. */
  longDescription: string;
}

export function listingProblems(listing: Listing): string[] {
  const problems: string[] = [];
  const { name, manifestDescription, shortDescription, longDescription } = listing;
  if (name.length === 0 || name.length > NAME_MAX) problems.push(`The name must be 1 to ${NAME_MAX} characters (it is ${name.length}).`);
  if (shortDescription.length === 0 || shortDescription.length > SHORT_DESCRIPTION_MAX) {
    problems.push(`The short description must be 1 to ${SHORT_DESCRIPTION_MAX} characters (it is ${shortDescription.length}).`);
  }
  if (/[\r\n]/.test(shortDescription)) problems.push("The short description must be one line.");
  if (manifestDescription !== shortDescription) {
    problems.push("manifest.json's description must be the short description (store/description-short.txt): the Chrome Web Store shows it as the summary.");
  }
  if (longDescription.trim() === "") problems.push("The long description is empty.");
  // The same listing goes to Edge Add-ons, whose porting guide says to keep "Chrome" out of it.
  for (const [what, text] of [["name", name], ["short description", shortDescription], ["long description", longDescription]] as const) {
    if (/chrome/i.test(text)) problems.push(`The ${what} must not say "Chrome": the same listing goes to Edge Add-ons.`);
  }
  return problems;
}

/**
 * The manifest's name and description as the English listing shows them: manifest.json names
 * them as __MSG_…__ from the default locale's catalog (public/_locales/en/messages.json).
 */
export function englishManifestTexts(root: string): { name: string; description: string } {
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as { name: string; description: string };
  const messages = JSON.parse(readFileSync(join(root, "public", "_locales", "en", "messages.json"), "utf8")) as Record<string, { message: string }>;
  const resolve = (value: string) => value.replace(/^__MSG_(\w+)__$/, (_all, key: string) => messages[key]?.message ?? value);
  return { name: resolve(manifest.name), description: resolve(manifest.description) };
}
