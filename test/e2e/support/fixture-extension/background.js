// Fixture background: a service worker in Chromium, an event page script in Firefox.
const api = globalThis.browser ?? globalThis.chrome;

// Changes every time the background context starts: lets a test see a restart.
globalThis.fixtureBootId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;

api.runtime.onInstalled.addListener((details) => {
  void api.storage.local.set({ installedAt: Date.now() });
  // Like the real extension: open the options page on first install (races the harness's own tabs).
  if (details.reason === "install") void api.runtime.openOptionsPage();
});

api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "fixture-badge") {
    void api.action.setBadgeText({ text: "A" });
  }
});

api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message?.type === "fetch") {
    fetch(message.url, { headers: message.headers ?? {} })
      .then(async (res) => sendResponse({ status: res.status, body: await res.text() }))
      .catch((err) => sendResponse({ error: String(err) }));
    return true;
  }
  if (message?.type === "ping") {
    sendResponse({ bootId: globalThis.fixtureBootId });
    return false;
  }
  return false;
});
