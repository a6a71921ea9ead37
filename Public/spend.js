// Reelbase dashboard: Spend (grouped report, CSV, team budget, credit chart, drift), Alerts
// (with a red banner on every page while any is open) and Provider accounts (owners).
// Uses api/el/$/when/views/state/showError from app.js and usd from generations.js.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child));
  return node;
}
const isoDay = (date) => date.toISOString().slice(0, 10);

views.spend = async (root) => {
  const form = $("#spend-filter", root);
  const today = new Date();
  form.since.value = isoDay(new Date(today.getTime() - 29 * 86400000));
  form.until.value = isoDay(today);

  async function loadTeam() {
    const team = await api("/team");
    const cards = [["Budget", team.budget_usd === undefined ? "none" : usd(team.budget_usd)], ["Reserved", usd(team.reserved_usd)],
      ["Spent", usd(team.spent_usd)], ["Available", team.available_usd === undefined ? "no limit" : usd(team.available_usd)]];
    $("#team-money", root).replaceChildren(...cards.map(([title, value]) =>
      el("div", { class: "card" }, el("h2", {}, title), el("p", { class: "big" }, value))));
    const budget = $("#budget-form", root);
    budget.hidden = state.me.role !== "owner";
    budget.budget_usd.value = team.budget_usd === undefined ? "" : team.budget_usd;
  }

  function query() {
    const data = new FormData(form);
    // `until` is exclusive: the day after the last day picked.
    const until = new Date(data.get("until") + "T00:00:00Z");
    until.setUTCDate(until.getUTCDate() + 1);
    return `group_by=${data.get("group_by")}&since=${data.get("since")}&until=${isoDay(until)}`;
  }

  async function loadReport() {
    const q = query();
    $("#spend-csv", root).href = "/api/v1/spend?format=csv&" + q;
    const report = await api("/spend?" + q);
    $("#spend-total", root).textContent = usd(report.total_usd);
    $("#spend-est", root).textContent = `${report.total_generations} generation${report.total_generations === 1 ? "" : "s"} · ${usd(report.total_estimated_usd)} of it estimated (no provider figure)`;
    $("#spend-table thead th", root).textContent = report.group_by;
    $("#spend-table tbody", root).replaceChildren(...(report.rows.length ? report.rows.map((r) => el("tr", {},
      el("td", {}, r.label || "—"), el("td", {}, String(r.generations)), el("td", {}, usd(r.spent_usd)),
      el("td", {}, usd(r.estimated_usd)), el("td", {}, usd(r.reported_usd))))
      : [el("tr", {}, el("td", { colspan: "5", class: "empty" }, "Nothing booked in this range."))]));
    $("#drift-table tbody", root).replaceChildren(...(report.drift.length ? report.drift.map((d) => el("tr", {},
      el("td", {}, d.label, el("div", { class: "muted small" }, d.account_key)), el("td", {}, usd(d.booked_usd)),
      el("td", {}, d.balance_fall === undefined ? "—" : Number(d.balance_fall).toFixed(4)),
      el("td", { class: d.drift !== undefined && Math.abs(d.drift) >= 0.01 ? "bad" : "" }, d.drift === undefined ? "not enough balances" : Number(d.drift).toFixed(4)),
      el("td", {}, String(d.snapshots))))
      : [el("tr", {}, el("td", { colspan: "5", class: "empty" }, "No provider activity in this range."))]));
  }

  form.onsubmit = (event) => { event.preventDefault(); loadReport().catch(showError); };
  form.group_by.onchange = () => loadReport().catch(showError);
  $("#budget-form", root).onsubmit = async (event) => {
    event.preventDefault();
    const value = event.target.budget_usd.value;
    try { await api("/team", { method: "PATCH", body: { budget_usd: value === "" ? null : value } }); await loadTeam(); } catch (err) { showError(err); }
  };
  await Promise.all([loadTeam(), loadReport(), drawCredits($("#credit-chart", root))]);
};

// The balance each provider account reported over time, one line per account, drawn as SVG.
async function drawCredits(box) {
  const page = await api("/credits?limit=200");
  const points = page.data.filter((s) => s.remaining !== undefined).reverse();
  if (!points.length) { box.replaceChildren(el("p", { class: "empty" }, "No balance reported yet.")); return; }
  const series = new Map();
  for (const s of points) {
    const key = s.account_id || "default:" + s.provider;
    if (!series.has(key)) series.set(key, []);
    series.get(key).push({ t: new Date(s.observed_at).getTime(), v: Number(s.remaining) });
  }
  const all = points.map((s) => ({ t: new Date(s.observed_at).getTime(), v: Number(s.remaining) }));
  const [w, h, pad] = [720, 220, 48];
  const tMin = Math.min(...all.map((p) => p.t)), tMax = Math.max(...all.map((p) => p.t));
  const vMin = Math.min(...all.map((p) => p.v)), vMax = Math.max(...all.map((p) => p.v));
  const x = (t) => pad + (tMax === tMin ? (w - 2 * pad) / 2 : (t - tMin) / (tMax - tMin) * (w - 2 * pad));
  const y = (v) => h - pad / 2 - (vMax === vMin ? (h - pad) / 2 : (v - vMin) / (vMax - vMin) * (h - pad));
  const colors = ["#3b5bdb", "#2b8a3e", "#e8590c", "#862e9c", "#c92a2a"];
  const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": "credit balance over time" },
    svg("line", { x1: pad, y1: h - pad / 2, x2: w - pad, y2: h - pad / 2, class: "axis" }),
    svg("text", { x: 4, y: y(vMax) + 4, class: "tick" }, vMax.toFixed(2)),
    svg("text", { x: 4, y: y(vMin) + 4, class: "tick" }, vMin.toFixed(2)),
    svg("text", { x: pad, y: h - 4, class: "tick" }, new Date(tMin).toLocaleString()),
    svg("text", { x: w - pad, y: h - 4, class: "tick", "text-anchor": "end" }, new Date(tMax).toLocaleString()));
  const legend = el("div", { class: "legend" });
  [...series.entries()].forEach(([key, pts], i) => {
    const color = colors[i % colors.length];
    chart.append(svg("polyline", { points: pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" "), fill: "none", stroke: color, "stroke-width": "2" }));
    for (const p of pts) chart.append(svg("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: "2.5", fill: color }, svg("title", {}, `${p.v} at ${new Date(p.t).toLocaleString()}`)));
    const swatch = el("span", {}, "● ");
    swatch.style.color = color;  // CSSOM: allowed under the CSP, a style="" attribute is not
    legend.append(swatch, key.startsWith("default:") ? key.replace("default:", "instance ") : key.slice(0, 8), "  ");
  });
  if (tMin === tMax) legend.append(el("span", {}, " · one balance so far; the line starts with the next one"));
  box.replaceChildren(chart, legend);
}

views.alerts = async (root) => {
  const tbody = $("tbody", root);
  const all = $("#alerts-all", root);
  async function load() {
    const alerts = await api("/alerts?limit=100" + (all.checked ? "&include_resolved=true" : ""));
    tbody.replaceChildren(...(alerts.data.length ? alerts.data.map((a) => el("tr", { class: a.resolved_at ? "muted" : "" },
      el("td", {}, when(a.created_at)), el("td", {}, el("span", { class: "badge s-failed" }, a.kind)), el("td", {}, a.message),
      el("td", {}, a.account_key || ""), el("td", {}, a.resolved_at ? "resolved " + when(a.resolved_at) : a.paused ? "account paused" : "open"),
      el("td", {}, a.resolved_at || state.me.role !== "owner" ? "" : el("button", { onclick: async () => {
        await api(`/alerts/${a.id}/resolve`, { method: "POST" }).catch(showError);
        load().catch(showError);
        refreshAlertBanner();
      } }, "Resolve"))))
      : [el("tr", {}, el("td", { colspan: "6", class: "empty" }, "No alerts."))]));
  }
  all.onchange = () => load().catch(showError);
  await load();
};

// A red banner on every page while any alert is open.
async function refreshAlertBanner() {
  const banner = $("#alert-banner");
  if (!state.me || !banner) return;
  try {
    const open = (await api("/alerts?limit=20")).data;
    banner.hidden = !open.length;
    if (open.length) {
      banner.replaceChildren(`${open.length} open alert${open.length > 1 ? "s" : ""}: ${open[0].message} `,
        el("a", { href: "#alerts" }, state.me.role === "owner" ? "Review and resolve" : "See alerts"));
    }
  } catch (_) { /* signed out or offline: the next look will tell */ }
}
window.addEventListener("hashchange", refreshAlertBanner);
setInterval(refreshAlertBanner, 15000);
(function waitForSignIn() { if (state.me) refreshAlertBanner(); else setTimeout(waitForSignIn, 500); })();

views.accounts = async (root) => {
  if (state.me.role !== "owner") {
    root.replaceChildren(el("h1", {}, "Provider accounts"), el("p", { class: "notice" }, "Only owners manage provider accounts."));
    return;
  }
  const tbody = $("tbody", root);
  const result = $("#account-result", root);
  async function load() {
    const accounts = await api("/provider-accounts");
    tbody.replaceChildren(...(accounts.data.length ? accounts.data.map((a) => el("tr", {},
      el("td", {}, a.name), el("td", {}, a.provider), el("td", {}, el("code", {}, "…" + a.api_key_last4)),
      el("td", {}, `${a.mode} · ${a.concurrency_limit} at once`), el("td", {}, a.base_url || "public API"), el("td", {}, when(a.created_at)),
      el("td", {}, el("span", { class: "actions" },
        el("button", { class: "secondary", onclick: async () => {
          try {
            const balance = await api(`/provider-accounts/${a.id}/check`, { method: "POST" });
            result.hidden = false;
            result.textContent = `${a.name}: ${balance.credits} credits (+${balance.free_credits ?? 0} free), checked ${when(balance.checked_at)}.`;
            refreshAlertBanner();
          } catch (err) { showError(err); }
        } }, "Check"),
        el("button", { class: "secondary", onclick: async () => {
          const key = prompt(`New API key for ${a.name} (it is stored encrypted and never shown again):`);
          if (!key) return;
          await api(`/provider-accounts/${a.id}`, { method: "PATCH", body: { api_key: key } }).catch(showError);
          load().catch(showError);
          refreshAlertBanner();
        } }, "Replace key"),
        el("button", { class: "danger", onclick: async () => {
          if (!confirm(`Remove "${a.name}"? It is kept for history but no longer used.`)) return;
          await api(`/provider-accounts/${a.id}`, { method: "DELETE" }).catch(showError);
          load().catch(showError);
        } }, "Delete")))))
      : [el("tr", {}, el("td", { colspan: "7", class: "empty" }, "No accounts: generations use the instance's default keys."))]));
  }
  const form = $("#account-form", root);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { provider: data.get("provider"), name: data.get("name"), api_key: data.get("api_key"), mode: data.get("mode") };
    if (data.get("base_url")) body.base_url = data.get("base_url");
    if (data.get("concurrency_limit")) body.concurrency_limit = Number(data.get("concurrency_limit"));
    try { await api("/provider-accounts", { method: "POST", body }); form.reset(); load(); } catch (err) { showError(err); }
  };
  await load();
};
