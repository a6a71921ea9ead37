// Settings → API keys: create and revoke keys, and (owners) each key's scope: its own budget
// per UTC period, the models it may run, the campaign its gateway calls land in, and its rate
// limit; beside each, what the key used this period and spent in the last 30 days.
import { api, isOwner, canSpend } from "../lib/api.js";
import { el, field, fillSelect, empty, into, ask, toast } from "../lib/dom.js";
import { when, usd } from "../lib/format.js";

const ROLE_PAIRS = [["viewer", "viewer"], ["editor", "editor"], ["owner", "owner"]];
const PERIODS = [["none", "in total"], ["day", "per UTC day"], ["week", "per UTC week"], ["month", "per UTC month"]];

export function roleSelect() {
  const s = el("select", { name: "role" });
  fillSelect(s, ROLE_PAIRS, "editor");
  s.querySelector("option[value=editor]").defaultSelected = true;  // what a form reset returns to
  return s;
}

/** The scope fields, filled from `key` when editing. */
function scopeFields(campaigns, key = {}) {
  const period = el("select", { name: "budget_period" });
  fillSelect(period, PERIODS, key.budget_period || "none");
  const campaign = el("select", { name: "default_campaign_id" });
  fillSelect(campaign, [["", "no default campaign"], ...campaigns.map((c) => [c.id, c.name])], key.default_campaign_id || "");
  return [
    field("Budget (USD)", el("input", { name: "budget_usd", inputmode: "decimal", placeholder: "no limit", value: key.budget_usd ?? "" })),
    field("Period", period),
    field("Models (comma separated)", el("input", { name: "allowed_models", placeholder: "all models", value: (key.allowed_models || []).join(", ") })),
    field("Default campaign", campaign),
    field("Requests per minute", el("input", { name: "rate_limit_per_minute", type: "number", min: "1", placeholder: "no limit", value: key.rate_limit_per_minute ?? "" })),
  ];
}

/** The scope as the API takes it; empty fields clear a limit. */
function scopeBody(form) {
  const models = form.allowed_models.value.split(",").map((m) => m.trim()).filter(Boolean);
  return {
    budget_usd: form.budget_usd.value.trim() || null,
    budget_period: form.budget_period.value,
    allowed_models: models.length ? models : null,
    default_campaign_id: form.default_campaign_id.value || null,
    rate_limit_per_minute: form.rate_limit_per_minute.value ? Number(form.rate_limit_per_minute.value) : null,
  };
}

const budgetText = (k) => (k.budget_usd === null || k.budget_usd === undefined ? "no limit"
  : `${usd(k.budget_usd)} ${PERIODS.find(([p]) => p === k.budget_period)[1]}`);
const shortModel = (id) => id.replace(/^segmind\//, "");

export async function keys(box) {
  const campaigns = (await api("/campaigns?limit=200")).data.filter((c) => !c.archived_at);
  const form = el("form", { class: "inline", id: "key-form" },
    field("Key name", el("input", { name: "name", placeholder: "e.g. CI pipeline", required: true, maxlength: "200" })),
    field("Role", roleSelect()), ...(isOwner() ? scopeFields(campaigns) : []), el("button", { type: "submit" }, "Create key"));
  const notice = el("div", { class: "notice", id: "new-key", hidden: true });
  const list = el("div");
  box.replaceChildren(canSpend() ? form : null, notice, list);
  const load = () => into(list, async () => {
    const items = (await api("/api-keys")).data;
    if (!items.length) return empty("No keys yet. Create one for scripts and CI.");
    const spent = new Map((await api("/spend?group_by=api_key")).rows.map((r) => [r.key.toLowerCase(), r.spent_usd]));
    const names = new Map(campaigns.map((c) => [c.id.toLowerCase(), c.name]));
    const rows = [];
    for (const k of items) {
      const id = k.id.toLowerCase();
      const editor = el("tr", { class: "key-scope", hidden: true });
      rows.push(el("tr", { "data-key": k.name }, el("td", {}, k.name), el("td", {}, el("code", {}, `rb_${k.prefix}_…`)), el("td", {}, k.role),
        el("td", { class: "key-budget" }, budgetText(k)), el("td", { class: "key-used" }, usd(k.period_used_usd)),
        el("td", { class: "key-spent" }, usd(spent.get(id) || 0)),
        el("td", {}, k.allowed_models ? k.allowed_models.map(shortModel).join(", ") : "all"),
        el("td", {}, k.default_campaign_id ? names.get(k.default_campaign_id.toLowerCase()) || "—" : "—"),
        el("td", {}, k.rate_limit_per_minute ? `${k.rate_limit_per_minute}/min` : "—"),
        el("td", {}, when(k.last_used_at)),
        el("td", { class: k.revoked_at ? "bad" : "ok" }, k.revoked_at ? "revoked " + when(k.revoked_at) : "active"),
        el("td", {}, k.revoked_at || !isOwner() ? "" : el("button", { type: "button", class: "edit-scope", onclick: () => { editor.hidden = !editor.hidden; } }, "Scope"),
          k.revoked_at || !canSpend() ? "" : el("button", { type: "button", class: "danger", onclick: async () => {
            if (!(await ask(`Revoke “${k.name}”? Anything using it stops working.`, "Revoke", true))) return;
            try { await api(`/api-keys/${k.id}`, { method: "DELETE" }); load(); } catch (err) { toast(err.message, "bad"); }
          } }, "Revoke"))));
      if (isOwner() && !k.revoked_at) {
        const scope = el("form", { class: "inline scope-form" }, ...scopeFields(campaigns, k), el("button", { type: "submit" }, "Save scope"));
        scope.addEventListener("submit", async (e) => {
          e.preventDefault();
          try { await api(`/api-keys/${k.id}`, { method: "PATCH", body: scopeBody(scope) }); toast("Scope saved", "ok"); load(); } catch (err) { toast(err.message, "bad"); }
        });
        editor.append(el("td", { colspan: "12" }, scope));
        rows.push(editor);
      }
    }
    return el("table", { id: "key-table" },
      el("thead", {}, el("tr", {}, ...["Name", "Prefix", "Role", "Budget", "Used this period", "Spent (30 days)", "Models", "Default campaign", "Rate limit", "Last used", "Status", ""]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows));
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const body = { name: form.name.value, role: form.role.value, ...(isOwner() ? scopeBody(form) : {}) };
      const created = await api("/api-keys", { method: "POST", body });
      notice.hidden = false;
      notice.replaceChildren("Copy this key now; it is not shown again: ", el("code", { id: "new-key-value" }, created.key));
      form.reset();
      load();
    } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}
