/**
 * `web-ext lint` on the Firefox build, stricter than its exit code: no errors, and no warning
 * that SECURITY.md does not explain. A new warning fails until someone reads it and writes down
 * why it is acceptable (or fixes it).
 */
import { execFileSync } from "node:child_process";

/** Each accepted warning, with the file it may appear in and where SECURITY.md explains it. */
const ACCEPTED: { code: string; why: string }[] = [
  { code: "UNSAFE_VAR_ASSIGNMENT", why: "Preact's dangerouslySetInnerHTML support (SECURITY.md, 'web-ext lint warnings we accept')" },
];

interface Message { code: string; message: string; file?: string }
interface Report { summary: { errors: number; warnings: number; notices: number }; errors: Message[]; warnings: Message[]; notices: Message[] }

// The unpacked Firefox build: dist/firefox, or another folder (the release check lints the unpacked package).
const sourceDir = process.argv[2] ?? "dist/firefox";
const out = execFileSync("npx", ["web-ext", "lint", "--source-dir", sourceDir, "--output", "json", "--no-config-discovery"], { encoding: "utf8" });
const report = JSON.parse(out.slice(out.indexOf("{"))) as Report;
const unexplained = report.warnings.filter((w) => !ACCEPTED.some((a) => a.code === w.code));
for (const w of report.warnings) {
  const accepted = ACCEPTED.find((a) => a.code === w.code);
  console.log(`warning ${w.code} in ${w.file ?? "?"}: ${accepted ? `accepted: ${accepted.why}` : "NOT EXPLAINED"}`);
}
for (const e of report.errors) console.log(`error ${e.code} in ${e.file ?? "?"}: ${e.message}`);
console.log(`web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings (${unexplained.length} unexplained), ${report.summary.notices} notices`);
if (report.errors.length > 0 || unexplained.length > 0) process.exit(1);
