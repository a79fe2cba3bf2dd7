const api = globalThis.browser ?? globalThis.chrome;
const status = document.getElementById("status");
const echo = document.getElementById("echo");

document.getElementById("set-badge").addEventListener("click", async () => {
  await api.action.setBadgeText({ text: "7" });
  await api.action.setBadgeBackgroundColor({ color: [200, 0, 0, 255] });
  await api.action.setTitle({ title: "7 need attention" });
  try {
    await navigator.clipboard.writeText("fixture-clipboard-7");
    status.textContent = "badge set, copied";
  } catch (err) {
    status.textContent = `badge set, copy failed: ${err}`;
  }
});

document.getElementById("open-link").addEventListener("click", async (event) => {
  event.preventDefault();
  const { linkUrl } = await api.storage.local.get("linkUrl");
  await api.tabs.create({ url: linkUrl ?? event.currentTarget.href });
});

document.getElementById("note").addEventListener("input", (event) => {
  echo.textContent = `note: ${event.target.value}`;
});
