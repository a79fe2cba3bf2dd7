import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { giveBackNotificationsPermission, notificationsAllowed, requestNotificationsPermission } from "../../adapters/notifications.ts";
import { saveNotificationsPreference } from "../../adapters/storage.ts";

/**
 * Desktop notifications, off by default. Turning them on asks the browser for the
 * optional `notifications` permission inside the click, and saves the preference only once it is
 * granted; turning them off saves that first, then gives the permission back. `on` is the stored
 * preference: the checkbox follows storage like the rest of the page.
 */
export function NotificationsToggle({ on, locked = false }: { on: boolean; locked?: boolean }) {
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
        <input type="checkbox" checked={on} onClick={onClick} disabled={locked} aria-describedby="notifications-hint" />
        {t.msg("optionsNotificationsToggle")}
      </label>
      <p id="notifications-hint" class="hint muted">
        {t.msg("optionsNotificationsHint")}
      </p>
      {refused && (
        <p class="field-error" role="alert">
          {t.msg("optionsNotificationsRefused")}
        </p>
      )}
      {on && permitted === false && !refused && (
        <p class="banner warn" role="status">
          {t.msg("optionsNotificationsPermissionLost")}
        </p>
      )}
    </section>
  );
}
