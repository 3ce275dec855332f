// Injected by `concord serve` only: reloads the page when the site is
// rebuilt, and shows build errors over the page until they are fixed.
(() => {
  const overlayId = "concord-error-overlay";
  let lost = false;

  function clearErrors() {
    const overlay = document.getElementById(overlayId);
    if (overlay) overlay.remove();
  }

  function showErrors(report) {
    let overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#f4f4f5;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      const title = document.createElement("h2");
      title.textContent = "Concord could not rebuild the site";
      title.style.cssText = "margin:0 0 1rem;color:#fca5a5;font:600 18px/1.3 system-ui,sans-serif";
      const note = document.createElement("p");
      note.textContent = "The page below is the last version that built. Fix the problems and save: this page reloads by itself.";
      note.style.cssText = "margin:0 0 1rem;font:14px/1.4 system-ui,sans-serif;color:#d4d4d8";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(title, note, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = report;
  }

  async function refreshErrors() {
    try {
      const response = await fetch("/__concord/errors", { cache: "no-store" });
      const report = await response.text();
      if (report.trim()) showErrors(report); else clearErrors();
    } catch (_) {
      // The server is gone; the event source will reconnect.
    }
  }

  const events = new EventSource("/__concord/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problems", refreshErrors);
  events.onopen = () => {
    if (lost) location.reload(); else refreshErrors();
  };
  events.onerror = () => { lost = true; };
})();
