import type { Fetch } from "../../../core/api/client.ts";
import { postJson, type Channel } from "./channel.ts";
import type { AlertMessage, AlertType } from "./messages.ts";
import { word, type Field } from "./words.ts";

/*
 * Slack's incoming webhook: one JSON POST per message, `text` for the notification and Block Kit
 * `blocks` for the message itself. Names from Cobalt go into mrkdwn escaped (&, <, >), so a name
 * cannot mention @channel or make a link; times are Slack date tokens, which every reader sees in
 * their own time zone (the fallback in the configured one). An incoming webhook cannot edit what
 * it posted, so "fixed" is a message of its own.
 */

const EMOJI: Record<AlertType, string> = {
  break: ":red_circle:",
  breaks: ":red_circle:",
  fixed: ":white_check_mark:",
  fixes: ":white_check_mark:",
  reminder: ":alarm_clock:",
  reminders: ":alarm_clock:",
  digest: ":clipboard:",
  trouble: ":warning:",
  recovered: ":white_check_mark:",
};

/** Slack's limits: a header's text, a field's, a section's. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const SECTION_MAX = 3000;

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function fieldText(field: Field): string {
  const value = field.at === undefined ? escapeMrkdwn(field.value) : `<!date^${Math.floor(field.at / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(field.value)}>`;
  return cut(`*${escapeMrkdwn(field.label)}*\n${value}`, FIELD_MAX);
}

export type SlackBlock = Record<string, unknown>;

export function slackPayload(message: AlertMessage, timeZone: string): { text: string; blocks: SlackBlock[] } {
  const words = word(message, timeZone);
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: cut(`${EMOJI[message.type]} ${words.title}`, HEADER_MAX), emoji: true } }];
  if (words.fields.length > 0) blocks.push({ type: "section", fields: words.fields.slice(0, 10).map((field) => ({ type: "mrkdwn", text: fieldText(field) })) });
  if (words.note) blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(escapeMrkdwn(words.note), SECTION_MAX) } });
  if (words.list && words.list.length > 0) {
    const lines = words.list.map((line) => `• ${escapeMrkdwn(line)}`);
    if (words.more) lines.push(`…and ${words.more} more`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(lines.join("\n"), SECTION_MAX) } });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Cobalt Integration Status relay" }] });
  return { text: cut(escapeMrkdwn(words.summary), SECTION_MAX), blocks };
}

export function slackChannel(id: string, url: string, timeZone: string, fetch: Fetch): Channel {
  return {
    id,
    kind: "slack",
    send: (message) => postJson(fetch, url, JSON.stringify(slackPayload(message, timeZone))),
  };
}
