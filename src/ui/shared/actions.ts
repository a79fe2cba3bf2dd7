import { api } from "../../adapters/browser.ts";
import { requestApiPermission } from "../../adapters/permissions.ts";
import { requestCheck } from "../../adapters/messages.ts";
import type { ErrorKind } from "../../core/api/errors.ts";
import type { MessageKey } from "../../core/i18n/keys.ts";
import { sourceUrl, type Source } from "../../core/settings/model.ts";

export interface BannerAction {
  /** The button's text, worded where it is shown. */
  label: MessageKey;
  run(): void;
}

/** The one button that helps with a failure of this source, if there is one. */
export function actionFor(kind: ErrorKind, source: Source, onOptionsPage: boolean): BannerAction | undefined {
  switch (kind) {
    case "permission":
      return {
        label: "actionGrantAccess",
        // Straight from the click: the permission prompt needs the user's gesture.
        run: () => void requestApiPermission(sourceUrl(source)).then((granted) => (granted ? requestCheck("refresh", source.id) : undefined)),
      };
    case "not-set-up":
    case "unauthorized":
    case "forbidden":
    case "not-found":
    case "bad-request":
    case "redirected":
    case "storage":
    case "relay-token-rejected":
      return onOptionsPage ? undefined : { label: "actionOpenOptions", run: () => void api().runtime.openOptionsPage() };
    case "server":
    case "bad-response":
    case "timeout":
    case "network":
    case "unexpected":
    case "relay-unreachable":
    case "relay-bad-response":
      return { label: "actionRetryNow", run: () => void requestCheck("refresh", source.id) };
    case "rate-limited":
    // The relay catches up by itself; asking it again changes nothing meanwhile.
    case "relay-rate-limited":
    case "relay-cobalt":
      return undefined;
  }
}
