// Home: the campaign board. Cards with a budget bar (spent, reserved, left), counts and the
// latest takes as posters; a form to start a campaign (editors and owners).
import { api, canSpend } from "../lib/api.js";
import { el, empty, field, into, toast } from "../lib/dom.js";
import { usd } from "../lib/format.js";
import { link } from "../lib/router.js";
import { poster } from "./gallery.js";

export function budgetBar(c) {
  const spent = Number(c.spent_usd), reserved = Number(c.reserved_usd);
  const budget = c.budget_usd === undefined || c.budget_usd === null ? null : Number(c.budget_usd);
  const bar = el("div", { class: "budget-bar", role: "img",
    "aria-label": budget === null ? `spent ${usd(spent)}, reserved ${usd(reserved)}, no budget` : `spent ${usd(spent)}, reserved ${usd(reserved)}, left ${usd(budget - spent - reserved)} of ${usd(budget)}` });
  const total = budget === null ? Math.max(spent + reserved, 0.01) : Math.max(budget, 0.01);
  const part = (cls, v) => { const p = el("span", { class: cls }); p.style.width = Math.min(100, (100 * v) / total).toFixed(1) + "%"; return p; };
  bar.append(part("spent", spent), part("reserved", reserved));
  const legend = el("div", { class: "small budget-legend" },
    el("span", { class: "key spent" }, `spent ${usd(spent)}`), " ", el("span", { class: "key reserved" }, `reserved ${usd(reserved)}`), " ",
    budget === null ? el("span", { class: "muted" }, "no budget") : el("span", { class: "key left" }, `left ${usd(budget - spent - reserved)} of ${usd(budget)}`));
  return el("div", { class: "budget" }, bar, legend);
}

async function card(c) {
  const latest = await api(`/generations?campaign_id=${c.id}&limit=4`).then((p) => p.data).catch(() => []);
  return el("article", { class: "card campaign-card", "data-id": c.id },
    el("h2", { class: "title" }, el("a", { href: link("campaigns", c.id) }, c.name)),
    c.description ? el("p", { class: "muted small" }, c.description) : null,
    budgetBar(c),
    el("p", { class: "small muted" }, `${c.counts.prompts} prompts · ${c.counts.assets} images · ${c.counts.seeds} keepers`),
    el("div", { class: "strip" }, ...(latest.length ? latest.map((g) => el("a", { href: link("takes", g.id), "aria-label": "latest take" }, poster(g, "thumb-sm")))
      : [el("span", { class: "muted small" }, "No takes yet")])),
    c.archived_at ? el("p", { class: "small muted" }, "archived") : null);
}

export async function render(root) {
  const list = el("div", { class: "board", id: "board" });
  const archived = el("input", { type: "checkbox", id: "show-archived" });
  const form = el("form", { class: "inline", id: "campaign-form", "aria-label": "New campaign" },
    field("Campaign name", el("input", { name: "name", required: true, maxlength: "200" })),
    field("Budget (USD, optional)", el("input", { name: "budget_usd", type: "number", min: "0", step: "0.01" })),
    field("Tags (comma separated)", el("input", { name: "tags" })),
    el("button", { type: "submit" }, "Create campaign"));
  root.replaceChildren(
    el("div", { class: "page-head" }, el("h1", {}, "Campaigns"), el("label", { class: "check" }, archived, " Show archived")),
    canSpend() ? el("details", { class: "card spaced" }, el("summary", {}, "New campaign"), form) : null,
    list);
  const load = () => into(list, async () => {
    const page = await api("/campaigns?limit=50" + (archived.checked ? "&include_archived=true" : ""));
    if (!page.data.length) {
      return empty(canSpend() ? "No campaigns yet. Create one above, then compose its first take." : "No campaigns yet. An editor can create one.");
    }
    return Promise.all(page.data.map(card));
  });
  archived.addEventListener("change", load);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { name: data.get("name"), tags: data.get("tags").split(",").map((t) => t.trim()).filter(Boolean) };
    if (data.get("budget_usd")) body.budget_usd = data.get("budget_usd");
    try { const c = await api("/campaigns", { method: "POST", body }); form.reset(); toast(`Campaign “${c.name}” created.`); load(); } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}
