// A gallery of takes (poster, live status chip, duration, model, cost) with filters, live
// updates and a selection for Compare. Used by the campaign page and the Takes page.
import { api } from "../lib/api.js";
import { el, chip, empty, failure, loading, fillSelect, field } from "../lib/dom.js";
import { usd, shortId, paramLine, when } from "../lib/format.js";
import { go, link } from "../lib/router.js";
import * as live from "../lib/live.js";

export function poster(g, cls = "poster") {
  if (g.poster_url) return el("img", { class: cls, src: g.poster_url, alt: `poster of take ${shortId(g.id)}`, loading: "lazy" });
  return el("div", { class: cls + " placeholder", role: "img", "aria-label": "no poster yet" }, g.status === "succeeded" ? "▶" : "…");
}

export function takeCard(g, selection) {
  const cost = g.cost_usd !== undefined && g.cost_usd !== null ? usd(g.cost_usd) : "~" + usd(g.estimated_cost_usd);
  const pick = selection ? el("input", { type: "checkbox", class: "pick", "aria-label": `select take ${shortId(g.id)} to compare`,
    onchange: (e) => selection.toggle(g.id, e.target.checked) }) : null;
  if (pick && selection.has(g.id)) pick.checked = true;
  return el("figure", { class: "take", "data-id": g.id, "data-status": g.status },
    el("a", { href: link("takes", g.id), class: "take-link", "aria-label": `open take ${shortId(g.id)}` }, poster(g)),
    el("figcaption", {},
      el("div", { class: "row" }, chip(g.status), pick),
      el("div", { class: "small" }, `${g.model} · ${paramLine(g)}`),
      el("div", { class: "small muted" }, `${cost} · seed ${g.provider_seed ?? g.seed ?? "random"} · ${when(g.created_at)}`),
      el("div", { class: "prompt-line" }, g.prompt_text.slice(0, 90))));
}

/** Mounts filters + grid into `box`. `base` is a fixed query (e.g. campaign_id=…). */
export async function mountGallery(box, { base = "", models = [], prompts = [] } = {}) {
  const chosen = new Set();
  const selection = {
    has: (id) => chosen.has(id),
    toggle(id, on) { if (on) chosen.add(id); else chosen.delete(id); compareButton.disabled = chosen.size < 2 || chosen.size > 4; compareButton.textContent = `Compare selected (${chosen.size})`; },
  };
  const compareButton = el("button", { type: "button", class: "secondary", disabled: true, id: "compare-selected",
    onclick: () => go("#compare?ids=" + [...chosen].join(",")) }, "Compare selected (0)");
  const form = el("form", { class: "filters", "aria-label": "Filter takes" },
    field("Status", el("select", { name: "status" })),
    field("Model", el("select", { name: "model" })),
    field("Prompt", el("select", { name: "prompt_id" })),
    field("Seed", el("input", { name: "seed", type: "number", min: "0", inputmode: "numeric" })),
    field("From", el("input", { name: "since", type: "date" })),
    field("To", el("input", { name: "until", type: "date" })),
    field("Verdict", el("select", { name: "verdict" })),
    field("Rating at least", el("select", { name: "min_rating" })),
    el("button", { type: "submit", class: "secondary" }, "Filter"));
  fillSelect(form.status, [["", "any"], ...["queued", "submitting", "submitted", "succeeded", "failed", "expired", "submit_unknown", "cancelled"].map((s) => [s, s.replace("_", " ")])]);
  fillSelect(form.model, [["", "any"], ...models.map((m) => [m.model.id, m.model.id])]);
  fillSelect(form.prompt_id, [["", "any"], ...prompts.map((p) => [p.id, p.name])]);
  fillSelect(form.verdict, [["", "any"], ["approved", "approved"], ["needs_changes", "needs changes"], ["rejected", "rejected"]]);
  fillSelect(form.min_rating, [["", "any"], ...[1, 2, 3, 4, 5].map((n) => [n, "★".repeat(n)])]);
  const grid = el("div", { class: "gallery", id: "gallery", "aria-live": "polite" });
  const note = el("p", { class: "muted small" }, "Select two to four takes to compare them.");
  box.replaceChildren(form, el("div", { class: "row" }, note, compareButton), grid);

  function query() {
    const data = new FormData(form);
    const q = new URLSearchParams(base);
    q.set("limit", "60");
    for (const k of ["status", "model", "prompt_id", "seed", "verdict", "min_rating"]) if (data.get(k)) q.set(k, data.get(k));
    if (data.get("since")) q.set("since", data.get("since") + "T00:00:00Z");
    if (data.get("until")) q.set("until", data.get("until") + "T23:59:59Z");
    return q.toString();
  }
  async function load() {
    if (!grid.children.length) grid.replaceChildren(loading("Loading takes…"));
    try {
      const page = await api("/generations?" + query());
      const cards = page.data.map((g) => takeCard(g, selection));
      grid.replaceChildren(...(cards.length ? cards : [empty("No takes here yet. Compose one above: pick a model, write a prompt, see the estimate, queue it.")]));
    } catch (err) { grid.replaceChildren(failure(err)); }
  }
  // Changes arrive in bursts (a sweep moves several takes at once): one list read per burst,
  // never two at a time, so a slow answer cannot overwrite a newer one.
  let timer = null, running = false, again = false;
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    await load();
    running = false;
    if (again) { again = false; refresh(); }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); grid.replaceChildren(); refresh(); });
  live.subscribe(() => {
    if (!grid.isConnected) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }, load);
  await load();
  return { reload: refresh };
}

