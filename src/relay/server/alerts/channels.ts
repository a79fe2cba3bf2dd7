import type { Fetch } from "../../../core/api/client.ts";
import type { AlertsConfig, ChannelConfig } from "../base/alerts-config.ts";
import type { Channel } from "./channel.ts";
import { emailChannel, type MailTransport } from "./email.ts";
import { slackChannel } from "./slack.ts";
import { webhookChannel } from "./webhook.ts";

/**
 * The configured channels, ready to send: Slack and the webhook over `fetch` (both runtimes);
 * email over the runtime's mail transport, which only Node has (`mail` absent: an email channel
 * is refused, as the Workers configuration does before this is reached).
 */
export function makeChannels(alerts: AlertsConfig, fetch: Fetch, mail?: (channel: Extract<ChannelConfig, { kind: "email" }>) => MailTransport): Channel[] {
  const { timeZone } = alerts.rules;
  return alerts.channels.map((channel) => {
    switch (channel.kind) {
      case "slack":
        return slackChannel(channel.id, channel.url, timeZone, fetch);
      case "webhook":
        return webhookChannel(channel.id, channel.url, channel.secret, timeZone, fetch);
      case "email":
        if (!mail) throw new Error("This runtime sends no email.");
        return emailChannel(channel.id, { from: channel.from, to: channel.to }, timeZone, mail(channel));
    }
  });
}
