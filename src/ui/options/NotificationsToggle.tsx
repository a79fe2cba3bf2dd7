import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { giveBackNotificationsPermission, notificationsAllowed, requestNotificationsPermission } from "../../adapters/notifications.ts";
import { saveNotificationsPreference } from "../../adapters/storage.ts";
import type { Preset } from "../../core/settings/policy.ts";

/**
 * Desktop notifications, off by default. Turning them on asks the browser for the
 * optional `notifications` permission inside the click, and saves the preference only once it is
 * granted; turning them off saves that first, then gives the permission back. `on` is the stored
 * preference: the checkbox follows storage like the rest of the page. `org` is what the
 * organisation's policy sets: locked, the checkbox is off limits; turned on by it, the browser's
 * permission is asked for with a button of its own (a browser asks only during a click).
 */
export function NotificationsToggle({ on, locked = false, org }: { on: boolean; locked?: boolean; org?: Preset<boolean> | undefined }) {
  const t = uiTranslator();
  const [refused, setRefused] = useState(false);
  const [permitted, setPermitted] = useState<boolean>();
  useEffect(() => void notificationsAllowed().then(setPermitted), [on]);

  const onClick = (event: MouseEvent) => {
    const box = event.currentTarget as HTMLInputElement;
    if (!box.checked) {
      setRefused(false);
      void saveNotificationsPreference(false).then(giveBackNotificationsPermission);
      return;
    }
    // Straight from the click, before any other await: browsers ask only during a user gesture.
    void requestNotificationsPermission().then(
      async (granted) => {
        setRefused(!granted);
        box.checked = granted;
        if (!granted) return;
        setPermitted(true);
        await saveNotificationsPreference(true);
      },
      () => {
        setRefused(true);
        box.checked = false;
      },
    );
  };

  return (
    <section class="notifications" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">{t.msg("optionsNotificationsHeading")}</h2>
      <label class="toggle">
        <input type="checkbox" checked={on} onClick={onClick} disabled={locked || org?.locked === true} aria-describedby="notifications-hint" />
        {t.msg("optionsNotificationsToggle")}
      </label>
      <p id="notifications-hint" class="hint muted">
        {org?.locked ? t.msg("joinSentences", { first: t.msg("orgSetHint"), second: t.msg("optionsNotificationsHint") }) : t.msg("optionsNotificationsHint")}
      </p>
      {refused && (
        <p class="field-error" role="alert">
          {t.msg("optionsNotificationsRefused")}
        </p>
      )}
      {on && permitted === false && !refused && org?.value === true && <AllowNotifications onGranted={() => setPermitted(true)} onRefused={() => setRefused(true)} />}
      {on && permitted === false && !refused && org?.value !== true && (
        <p class="banner warn" role="status">
          {t.msg("optionsNotificationsPermissionLost")}
        </p>
      )}
    </section>
  );
}

/** Notifications the organisation turned on, before the browser may show them: one click asks for its permission. */
function AllowNotifications({ onGranted, onRefused }: { onGranted(): void; onRefused(): void }) {
  const t = uiTranslator();
  const onClick = () => {
    // Straight from the click: browsers ask only during a user gesture.
    void requestNotificationsPermission().then(
      (granted) => (granted ? onGranted() : onRefused()),
      () => onRefused(),
    );
  };
  return (
    <div class="banner warn" role="status">
      <p>{t.msg("orgNotificationsNeedPermission")}</p>
      <button type="button" onClick={onClick}>
        {t.msg("orgNotificationsAllow")}
      </button>
    </div>
  );
}
