// Live generation changes: one EventSource on /api/v1/events for the whole page. When it
// drops, the page falls back to polling (every 2 s, backing off to 30 s) until it is back.
const listeners = new Set();
let source = null;
let pollers = new Set();
let backoff = 2000;
let pollTimer = null;
export const status = { mode: "off", events: 0 };

function publish(event) { for (const fn of listeners) fn(event); }

function startPolling() {
  if (pollTimer) return;
  status.mode = "polling";
  const tick = async () => {
    for (const poll of pollers) { try { await poll(); } catch (_) { /* next tick */ } }
    backoff = Math.min(backoff * 2, 30000);
    pollTimer = setTimeout(tick, backoff);
  };
  pollTimer = setTimeout(tick, backoff);
}

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
  backoff = 2000;
}

export function connect() {
  if (source) return;
  source = new EventSource("/api/v1/events");
  source.addEventListener("open", () => { status.mode = "live"; document.body.dataset.live = "live"; stopPolling(); });
  // State changes, reviews of takes (verdicts, comments), storyboards and cuts: each event
  // carries its `kind` and the ids a page needs (generation_id, storyboard_id, …).
  for (const name of ["generation", "take.verdict", "take.comment", "storyboard.progress", "storyboard.paused",
    "storyboard.finished", "cut.ready", "cut.failed"]) {
    source.addEventListener(name, (e) => {
      status.events += 1;
      document.body.dataset.liveEvents = String(status.events);
      try { publish({ kind: name, ...JSON.parse(e.data) }); } catch (_) { /* a malformed line is skipped */ }
    });
  }
  // Away longer than the server's event log reaches back: reload the page's data once.
  source.addEventListener("gap", () => { for (const poll of pollers) Promise.resolve().then(poll).catch(() => {}); });
  // EventSource retries by itself; until it is back the pages poll.
  source.addEventListener("error", () => { document.body.dataset.live = "polling"; startPolling(); });
}

export function disconnect() {
  if (source) source.close();
  source = null;
  stopPolling();
  status.mode = "off";
}

/** Calls `fn(event)` for every change; `poll` runs while the stream is down. Returns an unsubscribe. */
export function subscribe(fn, poll) {
  listeners.add(fn);
  if (poll) pollers.add(poll);
  return () => { listeners.delete(fn); if (poll) pollers.delete(poll); };
}

/** Drops every page-level subscription (called when the route changes). */
export function resetSubscriptions() { listeners.clear(); pollers = new Set(); }
