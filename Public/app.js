// Reelbase dashboard: plain JS, no build step. Talks to /api/v1 with the session cookie and
// echoes the CSRF token on every change.
"use strict";

const state = { me: null, csrf: sessionStorage.getItem("csrf") || "" };

async function api(path, { method = "GET", body } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const res = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(data && data.error ? data.error.message : res.statusText);
    err.status = res.status;
    err.code = data && data.error && data.error.code;
    throw err;
  }
  return data;
}

const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

function showError(err) {
  const banner = $("#banner");
  banner.hidden = false;
  banner.textContent = err.message;
  banner.className = "banner bad";
}

async function start() {
  try {
    state.me = await api("/me");
  } catch (err) {
    if (err.status === 401) return showSignIn();
    return showError(err);
  }
  $("#signin").hidden = true;
  $("#nav").hidden = false;
  $("#view").hidden = false;
  const who = $("#who");
  who.replaceChildren(
    el("span", {}, `${state.me.user ? state.me.user.email : "API key"} · ${state.me.team.name} · ${state.me.role}`),
    el("button", { class: "link", onclick: signOut }, "Sign out"));
  if (state.me.demo_mode) {
    const banner = $("#banner");
    banner.hidden = false;
    banner.className = "banner";
    banner.textContent = "Demo mode: no provider key is configured, so generations go to the built-in provider simulator. Nothing is billed.";
  }
  window.addEventListener("hashchange", route);
  route();
}

function showSignIn() {
  $("#signin").hidden = false;
  $("#nav").hidden = true;
  $("#view").hidden = true;
  $("#signin-form").onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const session = await api("/session", { method: "POST", body: { email: form.get("email"), password: form.get("password") } });
      state.csrf = session.csrf_token;
      sessionStorage.setItem("csrf", state.csrf);
      start();
    } catch (err) {
      $("#signin-error").textContent = err.message;
    }
  };
}

async function signOut() {
  try { await api("/session", { method: "DELETE" }); } catch (_) { /* already gone */ }
  sessionStorage.removeItem("csrf");
  location.hash = "";
  location.reload();
}

const views = {};

function route() {
  const name = (location.hash || "#overview").slice(1);
  const view = views[name] ? name : "overview";
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  const root = $("#view");
  root.replaceChildren($("#tpl-" + view).content.cloneNode(true));
  views[view](root).catch(showError);
}

views.overview = async (root) => {
  $("[data-field=team]", root).textContent = state.me.team.name;
  $("[data-field=role]", root).textContent = "Your role: " + state.me.role;
  $("[data-field=user]", root).textContent = state.me.user ? state.me.user.email : "an API key";
  const chain = await api("/audit/verify");
  const field = $("[data-field=chain]", root);
  field.textContent = chain.ok ? `intact (${chain.rows_checked} rows)` : `BROKEN at row ${chain.first_broken_seq}: ${chain.problem}`;
  field.className = "big " + (chain.ok ? "ok" : "bad");
};

views.keys = async (root) => {
  const tbody = $("tbody", root);
  async function load() {
    const keys = await api("/api-keys");
    tbody.replaceChildren(...keys.data.map((k) => el("tr", {},
      el("td", {}, k.name), el("td", {}, el("code", {}, `rb_${k.prefix}_…`)), el("td", {}, k.role),
      el("td", {}, when(k.created_at)), el("td", {}, when(k.last_used_at)),
      el("td", { class: k.revoked_at ? "bad" : "ok" }, k.revoked_at ? "revoked " + when(k.revoked_at) : "active"),
      el("td", {}, k.revoked_at || state.me.role === "viewer" ? "" : el("button", { class: "danger", onclick: async () => {
        if (!confirm(`Revoke "${k.name}"? Anything using it stops working.`)) return;
        await api(`/api-keys/${k.id}`, { method: "DELETE" }).catch(showError);
        load();
      } }, "Revoke")))));
    if (!keys.data.length) tbody.replaceChildren(el("tr", {}, el("td", { colspan: "7", class: "empty" }, "No keys yet.")));
  }
  $("#key-form", root).onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const created = await api("/api-keys", { method: "POST", body: { name: form.get("name"), role: form.get("role") } });
      const notice = $("#new-key", root);
      notice.hidden = false;
      notice.replaceChildren("Copy this key now; it is not shown again: ", el("code", { id: "new-key-value" }, created.key));
      event.target.reset();
      load();
    } catch (err) { showError(err); }
  };
  await load();
};

views.members = async (root) => {
  const tbody = $("tbody", root);
  async function load() {
    const members = await api("/members");
    tbody.replaceChildren(...members.data.map((m) => el("tr", {},
      el("td", {}, m.email), el("td", {}, m.name || ""), el("td", {}, m.role), el("td", {}, when(m.joined_at)))));
  }
  const form = $("#member-form", root);
  if (state.me.role !== "owner") form.hidden = true;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    try {
      const added = await api("/members", { method: "POST", body: { email: data.get("email"), role: data.get("role") } });
      const notice = $("#new-member", root);
      notice.hidden = false;
      notice.replaceChildren(el("span", {}, `Added. Give ${added.member.email} this one-time password (shown once; it opens this team once, within 7 days): `,
        el("code", {}, added.generated_password)));
      event.target.reset();
      load();
    } catch (err) { showError(err); }
  };
  await load();
};

views.audit = async (root) => {
  const tbody = $("tbody", root);
  const more = $("#audit-more", root);
  let cursor = null;
  let query = "";
  async function load(append) {
    const page = await api(`/audit?limit=50${query}${cursor && append ? "&cursor=" + cursor : ""}`);
    const rows = page.data.map((a) => el("tr", {},
      el("td", {}, when(a.created_at)), el("td", {}, el("code", {}, a.action)),
      el("td", {}, `${a.actor_type}${a.actor_id ? " " + a.actor_id.slice(0, 8) : ""}`),
      el("td", {}, `${a.target_type} ${a.target_id ? a.target_id.slice(0, 8) : ""}`),
      el("td", { class: "muted" }, JSON.stringify(a.details))));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  $("#audit-filter", root).onsubmit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    query = "";
    if (form.get("action")) query += "&action=" + encodeURIComponent(form.get("action"));
    if (form.get("since")) query += "&since=" + encodeURIComponent(form.get("since") + "T00:00:00Z");
    cursor = null;
    load(false).catch(showError);
  };
  more.onclick = () => load(true).catch(showError);
  await load(false);
};

start();
