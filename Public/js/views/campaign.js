// One campaign: its money, the Composer, the gallery of its takes (live), its prompts,
// images and spend by model.
import { api, canSpend, listAll } from "../lib/api.js";
import { el, empty, into } from "../lib/dom.js";
import { usd, when } from "../lib/format.js";
import { link } from "../lib/router.js";
import { budgetBar } from "./board.js";
import { mountComposer } from "./composer.js";
import { mountGallery } from "./gallery.js";
import { mountStoryboardList } from "./storyboard.js";
import * as live from "../lib/live.js";
import { openShareDialog } from "./sharedialog.js";

export async function render(root, { id }) {
  const [c, models, prompts] = await Promise.all([api(`/campaigns/${id}`), listAll("/models"), listAll(`/prompts?limit=200&campaign_id=${id}`)]);
  const composerBox = el("div", { id: "composer-box" });
  const galleryBox = el("section", { "aria-label": "Takes" });
  const promptsBox = el("div");
  const assetsBox = el("div", { class: "thumbs small-thumbs" });
  const spendBox = el("div");
  const storyboardsBox = el("section", { "aria-label": "Storyboards" });
  const head = el("div", { class: "card" }, el("div", { class: "page-head" }, el("h1", {}, c.name),
    c.tags.length ? el("span", { class: "muted small" }, c.tags.join(", ")) : null,
    canSpend() ? el("button", { type: "button", class: "secondary", id: "share-campaign",
      onclick: () => openShareDialog([{ kind: "campaign", campaign_id: id }]) }, "Share approved takes") : null), budgetBar(c));
  let gallery = null;
  root.replaceChildren(
    el("p", { class: "crumbs" }, el("a", { href: "#campaigns" }, "Campaigns"), " / ", c.name), head,
    canSpend() ? el("details", { class: "spaced", open: true }, el("summary", {}, "Compose a take"), composerBox) : null,
    el("h2", { class: "section" }, "Storyboards"), storyboardsBox,
    el("h2", { class: "section" }, "Takes"), galleryBox,
    el("div", { class: "columns" },
      el("section", {}, el("h2", { class: "section" }, "Prompts"), promptsBox),
      el("section", {}, el("h2", { class: "section" }, "Spend by model"), spendBox)),
    el("h2", { class: "section" }, "Images"), assetsBox);
  // The budget bar follows the takes: reserved when queued, spent when booked.
  let timer = null;
  live.subscribe((event) => {
    if (event.campaign_id !== id || !head.isConnected) return;
    clearTimeout(timer);
    timer = setTimeout(async () => { try { head.querySelector(".budget").replaceWith(budgetBar(await api(`/campaigns/${id}`))); } catch (_) { /* next change */ } }, 300);
  });
  mountStoryboardList(storyboardsBox, id);
  gallery = await mountGallery(galleryBox, { base: `campaign_id=${id}`, models, prompts });
  if (canSpend()) await mountComposer(composerBox, { campaignId: id, onQueued: () => gallery.reload() });

  into(promptsBox, () => (prompts.length
    ? el("ul", { class: "plain" }, ...prompts.map((p) => el("li", {}, el("a", { href: link("prompts", p.id) }, p.name), ` · v${p.latest_version}`)))
    : empty("No prompts in this campaign yet. Create one on the Prompts page and pick this campaign.")));
  into(assetsBox, async () => {
    const assets = await listAll(`/assets?limit=60&campaign_id=${id}`, 60);
    return assets.length ? assets.map((a) => el("img", { src: a.content_url, alt: a.name || "image", class: "thumb-sm", loading: "lazy" }))
      : empty("No images in this campaign. Drop some on the Assets page.");
  });
  into(spendBox, async () => {
    const rows = (await api(`/generations?campaign_id=${id}&limit=200`)).data;
    const byModel = new Map();
    for (const g of rows) {
      const cost = Number(g.cost_usd ?? 0);
      const entry = byModel.get(g.model) || { takes: 0, cost: 0 };
      entry.takes += 1; entry.cost += cost;
      byModel.set(g.model, entry);
    }
    return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Model"), el("th", {}, "Takes"), el("th", {}, "Booked"))),
      el("tbody", {}, ...[...byModel].map(([m, e]) => el("tr", {}, el("td", {}, m), el("td", {}, String(e.takes)), el("td", {}, usd(e.cost)))),
        el("tr", { class: "total" }, el("td", {}, "Total spent"), el("td", {}, ""), el("td", {}, usd(c.spent_usd)))),
      el("caption", { class: "small muted" }, `Reserved for takes in progress: ${usd(c.reserved_usd)} · created ${when(c.created_at)}`));
  });
}
