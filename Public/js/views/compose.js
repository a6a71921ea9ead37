// The Composer on its own page; "#compose?from=ID" opens it prefilled from a take (rerun with changes).
import { api, canSpend } from "../lib/api.js";
import { el, empty } from "../lib/dom.js";
import { go, link } from "../lib/router.js";
import { mountComposer } from "./composer.js";

export async function render(root, _params, query) {
  if (!canSpend()) { root.replaceChildren(el("h1", {}, "Compose"), empty("Viewers can watch takes but not start them.")); return; }
  const from = query.get("from");
  const prefill = from ? await api(`/generations/${from}`) : null;
  const box = el("div");
  root.replaceChildren(el("h1", {}, prefill ? "Rerun with changes" : "Compose a take"),
    prefill ? el("p", { class: "muted" }, "Prefilled from ", el("a", { href: link("takes", from) }, "the take"), ". Change what you like; nothing is queued until you press Queue.") : null, box);
  await mountComposer(box, { campaignId: query.get("campaign") || null, prefill,
    onQueued: (queued) => { if (queued.length === 1) go(link("takes", queued[0].id)); else go(prefill && prefill.campaign_id ? link("campaigns", prefill.campaign_id) : "#takes"); } });
}
