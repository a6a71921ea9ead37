// Settings tabs for owners' administration: provider accounts, prices, audit log, alerts.
import { api, isOwner } from "../lib/api.js";
import { el, field, fillSelect, empty, into, ask, toast } from "../lib/dom.js";
import { when, usd } from "../lib/format.js";

const alertsChanged = () => window.dispatchEvent(new Event("reelbase:alerts"));

export async function accounts(box) {
  if (!isOwner()) { box.replaceChildren(empty("Only owners manage provider accounts.")); return; }
  const form = el("form", { class: "filters", id: "account-form", autocomplete: "off" },
    field("Provider", el("select", { name: "provider" })), field("Name", el("input", { name: "name", required: true, maxlength: "200" })),
    field("API key (write-only)", el("input", { name: "api_key", type: "password", required: true, autocomplete: "new-password" })),
    field("Base URL (optional)", el("input", { name: "base_url", type: "url" })), field("Mode", el("select", { name: "mode" })),
    field("Concurrency", el("input", { name: "concurrency_limit", type: "number", min: "1", max: "100", placeholder: "4" })),
    el("button", { type: "submit" }, "Add account"));
  fillSelect(form.provider, [["segmind", "Segmind"], ["aimlapi", "AI/ML API"]]);
  fillSelect(form.mode, [["async", "async"], ["sync", "sync (Segmind v1)"]]);
  const result = el("div", { class: "notice", hidden: true });
  const list = el("div");
  box.replaceChildren(form, result, list);
  const act = (label, cls, fn) => el("button", { type: "button", class: cls, onclick: () => fn().catch((err) => toast(err.message, "bad")) }, label);
  const load = () => into(list, async () => {
    const items = (await api("/provider-accounts")).data;
    if (!items.length) return empty("No accounts: takes use the instance's default keys.");
    return el("table", { id: "account-table" }, el("thead", {}, el("tr", {}, ...["Name", "Provider", "Key", "Mode", "Endpoint", "Added", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...items.map((a) => el("tr", {}, el("td", {}, a.name), el("td", {}, a.provider), el("td", {}, el("code", {}, "…" + a.api_key_last4)),
        el("td", {}, `${a.mode} · ${a.concurrency_limit} at once`), el("td", {}, a.base_url || "public API"), el("td", {}, when(a.created_at)),
        el("td", {}, el("div", { class: "actions" },
          act("Check", "secondary", async () => {
            const b = await api(`/provider-accounts/${a.id}/check`, { method: "POST" });
            result.hidden = false;
            result.textContent = `${a.name}: ${b.credits} credits (+${b.free_credits ?? 0} free), checked ${when(b.checked_at)}.`;
            alertsChanged();
          }),
          act("Delete", "danger", async () => {
            if (!(await ask(`Remove “${a.name}”? It is kept for history but no longer used.`, "Remove", true))) return;
            await api(`/provider-accounts/${a.id}`, { method: "DELETE" });
            load();
          })))))));
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { provider: d.get("provider"), name: d.get("name"), api_key: d.get("api_key"), mode: d.get("mode") };
    if (d.get("base_url")) body.base_url = d.get("base_url");
    if (d.get("concurrency_limit")) body.concurrency_limit = Number(d.get("concurrency_limit"));
    try { await api("/provider-accounts", { method: "POST", body }); form.reset(); load(); } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}

export async function prices(box) {
  await into(box, async () => {
    const rows = (await api("/prices")).data;
    if (!rows.length) return empty("No prices published.");
    return [el("p", { class: "muted small" }, "What a take costs per unit, used for estimates and reservations. “team” rows override the instance's published ones (set with PUT /api/v1/prices)."),
      el("table", { id: "price-table" }, el("thead", {}, el("tr", {}, ...["Model", "Resolution", "Audio", "Unit", "Price", "Source"].map((h) => el("th", {}, h)))),
        el("tbody", {}, ...rows.map((r) => el("tr", {}, el("td", {}, r.price.model_id || r.price.model || ""), el("td", {}, r.price.resolution || "any"),
          el("td", {}, r.price.generate_audio === undefined || r.price.generate_audio === null ? "any" : r.price.generate_audio ? "on" : "off"),
          el("td", {}, r.price.unit), el("td", {}, usd(r.price.usd)), el("td", {}, r.source)))))];
  });
}

export async function audit(box) {
  const form = el("form", { class: "inline" }, field("Action", el("input", { name: "action", placeholder: "e.g. api_key.created" })), field("Since", el("input", { name: "since", type: "date" })),
    el("button", { type: "submit", class: "secondary" }, "Filter"));
  const list = el("div");
  box.replaceChildren(form, list);
  const load = () => into(list, async () => {
    let q = "";
    if (form.action.value) q += "&action=" + encodeURIComponent(form.action.value);
    if (form.since.value) q += "&since=" + encodeURIComponent(form.since.value + "T00:00:00Z");
    const items = (await api("/audit?limit=100" + q)).data;
    if (!items.length) return empty("Nothing recorded for this filter.");
    return el("div", { class: "scroll-x" }, el("table", {}, el("thead", {}, el("tr", {}, ...["When", "Action", "Actor", "Target", "Details"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...items.map((a) => el("tr", {}, el("td", {}, when(a.created_at)), el("td", {}, el("code", {}, a.action)),
        el("td", {}, `${a.actor_type}${a.actor_id ? " " + a.actor_id.slice(0, 8) : ""}`), el("td", {}, `${a.target_type} ${a.target_id ? a.target_id.slice(0, 8) : ""}`),
        el("td", { class: "muted small wrap" }, JSON.stringify(a.details)))))));
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  await load();
}

export async function alerts(box) {
  const all = el("input", { type: "checkbox", id: "alerts-all" });
  const list = el("div");
  box.replaceChildren(el("label", { class: "check" }, all, " Show resolved"), list);
  const load = () => into(list, async () => {
    const items = (await api("/alerts?limit=100" + (all.checked ? "&include_resolved=true" : ""))).data;
    if (!items.length) return empty("No alerts. Reelbase raises one when a provider account runs out of credits or refuses its key.");
    return el("table", {}, el("tbody", {}, ...items.map((a) => el("tr", {}, el("td", {}, when(a.created_at)), el("td", {}, a.kind), el("td", {}, a.message),
      el("td", {}, a.resolved_at ? "resolved " + when(a.resolved_at) : a.paused ? "account paused" : "open"),
      el("td", {}, a.resolved_at || !isOwner() ? "" : el("button", { type: "button", onclick: async () => {
        try { await api(`/alerts/${a.id}/resolve`, { method: "POST" }); load(); alertsChanged(); } catch (err) { toast(err.message, "bad"); }
      } }, "Resolve"))))));
  });
  all.addEventListener("change", load);
  await load();
}
