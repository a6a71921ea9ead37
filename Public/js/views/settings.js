// Settings, one entry for the team's administration: API keys (settings-keys.js), members,
// provider accounts, webhooks (settings-webhooks.js), prices, the audit log and alerts
// (settings-admin.js).
import { api, isOwner } from "../lib/api.js";
import { el, field, into, toast } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { accounts, prices, audit, alerts } from "./settings-admin.js";
import { keys, roleSelect } from "./settings-keys.js";
import { webhooks } from "./settings-webhooks.js";

async function members(box) {
  const form = el("form", { class: "inline", id: "member-form" }, field("Email", el("input", { name: "email", type: "email", required: true })), field("Role", roleSelect()),
    el("button", { type: "submit" }, "Add member"));
  const notice = el("div", { class: "notice", hidden: true });
  const list = el("div");
  box.replaceChildren(isOwner() ? form : null, notice, list);
  const load = () => into(list, async () => el("table", {}, el("thead", {}, el("tr", {}, ...["Email", "Name", "Role", "Joined"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...(await api("/members")).data.map((m) => el("tr", {}, el("td", {}, m.email), el("td", {}, m.name || ""), el("td", {}, m.role), el("td", {}, when(m.joined_at)))))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const added = await api("/members", { method: "POST", body: { email: form.email.value, role: form.role.value } });
      notice.hidden = false;
      notice.replaceChildren(added.generated_password
        ? el("span", {}, `Account created. Give ${added.member.email} this password (shown once): `, el("code", { id: "new-member-password" }, added.generated_password))
        : `${added.member.email} already had an account and now belongs to this team.`);
      form.reset();
      load();
    } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}

async function overview(box) {
  await into(box, async () => {
    const chain = await api("/audit/verify");
    return el("div", { class: "grid" },
      el("div", { class: "card" }, el("h2", {}, "Team"), el("p", { class: "big" }, (await api("/me")).team.name)),
      el("div", { class: "card" }, el("h2", {}, "Audit chain"), el("p", { class: "big " + (chain.ok ? "ok" : "bad") },
        chain.ok ? `intact (${chain.rows_checked} rows)` : `BROKEN at row ${chain.first_broken_seq}: ${chain.problem}`)));
  });
}

const TABS = [["overview", "Team", overview], ["keys", "API keys", keys], ["members", "Members", members], ["accounts", "Provider accounts", accounts],
  ["webhooks", "Webhooks", webhooks], ["prices", "Prices", prices], ["audit", "Audit log", audit], ["alerts", "Alerts", alerts]];

export async function render(root, { tab }) {
  const current = TABS.find(([id]) => id === tab) || TABS[0];
  const box = el("div", { id: "settings-" + current[0] });
  root.replaceChildren(el("h1", {}, "Settings"),
    el("nav", { class: "tabs", "aria-label": "Settings" }, ...TABS.map(([id, name]) => el("a", { href: "#settings/" + id, class: id === current[0] ? "active" : "", "aria-current": id === current[0] ? "page" : undefined, "data-tab": id }, name))),
    el("h2", { class: "section" }, current[1]), box);
  await current[2](box);
}
