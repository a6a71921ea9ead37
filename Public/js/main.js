// Reelbase dashboard entry: sign-in, the navigation, banners and the hash router.
import { api, session } from "./lib/api.js";
import { el, $, $$, failure } from "./lib/dom.js";
import { route, match } from "./lib/router.js";
import * as live from "./lib/live.js";
import * as board from "./views/board.js";
import * as campaign from "./views/campaign.js";
import * as takes from "./views/takes.js";
import * as take from "./views/take.js";
import * as compose from "./views/compose.js";
import * as compare from "./views/compare.js";
import * as storyboard from "./views/storyboard.js";
import * as assets from "./views/assets.js";
import * as prompts from "./views/prompts.js";
import * as seeds from "./views/seeds.js";
import * as spend from "./views/spend.js";
import * as settings from "./views/settings.js";

route("", board.render, "campaigns");
route("campaigns", board.render);
route("campaigns/:id", campaign.render, "campaigns");
route("storyboards/:id", storyboard.render, "campaigns");
route("takes", takes.render);
route("takes/:id", take.render, "takes");
route("compose", compose.render, "takes");
route("compare", compare.render, "takes");
route("assets", assets.render);
route("prompts", prompts.render);
route("prompts/:id", prompts.render, "prompts");
route("seeds", seeds.render);
route("spend", spend.render);
route("settings", settings.render);
route("settings/:tab", settings.render, "settings");

let renderCount = 0;

async function show() {
  const found = match(location.hash) || match("#campaigns");
  live.resetSubscriptions();
  $$("#nav a").forEach((a) => {
    const active = a.dataset.nav === found.nav;
    a.classList.toggle("active", active);
    if (active) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  const root = $("#view");
  const mine = ++renderCount;
  root.replaceChildren();
  root.dataset.view = found.nav;
  delete root.dataset.ready;
  try {
    await found.view(root, found.params, found.query);
  } catch (err) {
    if (mine === renderCount) root.replaceChildren(failure(err));
  }
  if (mine === renderCount) root.dataset.ready = "true";
  refreshAlertBanner();
}

async function start() {
  try {
    session.me = await api("/me");
  } catch (err) {
    if (err.status === 401) return showSignIn();
    $("#view").hidden = false;
    return $("#view").replaceChildren(failure(err));
  }
  $("#signin").hidden = true;
  $("#nav").hidden = false;
  $("#view").hidden = false;
  document.body.dataset.role = session.me.role;
  $("#who").replaceChildren(
    el("span", {}, `${session.me.user ? session.me.user.email : "API key"} · ${session.me.team.name} · ${session.me.role}`),
    el("button", { class: "link", type: "button", onclick: signOut }, "Sign out"));
  if (session.me.demo_mode) {
    const banner = $("#banner");
    banner.hidden = false;
    banner.textContent = "Demo mode: no provider key is configured, so takes go to the built-in provider simulator. Nothing is billed.";
  }
  live.connect();
  window.addEventListener("hashchange", show);
  setInterval(refreshAlertBanner, 30000);
  show();
}

function showSignIn() {
  $("#signin").hidden = false;
  $("#nav").hidden = true;
  $("#view").hidden = true;
  $("#signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const created = await api("/session", { method: "POST", body: { email: form.get("email"), password: form.get("password") } });
      session.csrf = created.csrf_token;
      sessionStorage.setItem("csrf", session.csrf);
      start();
    } catch (err) {
      $("#signin-error").textContent = err.message;
    }
  });
}

async function signOut() {
  live.disconnect();
  try { await api("/session", { method: "DELETE" }); } catch (_) { /* already gone */ }
  sessionStorage.removeItem("csrf");
  location.hash = "";
  location.reload();
}

/** A red banner on every page while any alert is open. */
export async function refreshAlertBanner() {
  const banner = $("#alert-banner");
  if (!session.me) return;
  try {
    const open = (await api("/alerts?limit=20")).data;
    banner.hidden = !open.length;
    if (open.length) {
      banner.replaceChildren(`${open.length} open alert${open.length > 1 ? "s" : ""}: ${open[0].message} `,
        el("a", { href: "#settings/alerts" }, session.me.role === "owner" ? "Review and resolve" : "See alerts"));
    }
  } catch (_) { /* signed out or offline: the next look will tell */ }
}
window.addEventListener("reelbase:alerts", refreshAlertBanner);

start();
