// Two to four takes side by side, played and seeked in sync, with the differences in prompt
// and parameters highlighted.
import { api } from "../lib/api.js";
import { el, empty, chip } from "../lib/dom.js";
import { usd, shortId } from "../lib/format.js";
import { link } from "../lib/router.js";
import { poster } from "./gallery.js";
import { mountReview } from "./take.js";
import { openShareDialog } from "./sharedialog.js";
import { canSpend } from "../lib/api.js";

/** Keeps every video in step with whichever one the person plays, pauses or seeks. */
function syncVideos(videos) {
  let echo = false;
  const mirror = (source, apply) => {
    if (echo) return;
    echo = true;
    for (const v of videos) if (v !== source) apply(v);
    setTimeout(() => { echo = false; }, 50);
  };
  for (const v of videos) {
    v.addEventListener("play", () => mirror(v, (o) => o.play().catch(() => {})));
    v.addEventListener("pause", () => mirror(v, (o) => o.pause()));
    v.addEventListener("seeked", () => mirror(v, (o) => {
      if (Math.abs(o.currentTime - v.currentTime) > 0.05) o.currentTime = Math.min(v.currentTime, o.duration || v.currentTime);
    }));
  }
}

/** The prompt's words, those absent from the first take's prompt marked. */
function wordsAgainst(text, reference) {
  const known = new Set(reference.toLowerCase().split(/\s+/));
  return text.split(/(\s+)/).map((w) => (w.trim() && !known.has(w.toLowerCase()) ? el("mark", {}, w) : w));
}

export async function render(root, _params, query) {
  const ids = (query.get("ids") || "").split(",").filter(Boolean).slice(0, 4);
  if (ids.length < 2) {
    root.replaceChildren(el("h1", {}, "Compare"), empty("Pick two to four takes in a gallery and press Compare selected.", el("a", { href: "#takes" }, "Open the takes")));
    return;
  }
  const takes = await Promise.all(ids.map((id) => api(`/generations/${id}`)));
  const videos = [];
  const columns = takes.map((g) => {
    const media = g.video ? el("video", { controls: true, preload: "metadata", src: g.video.url, poster: g.poster_url || undefined, muted: true, playsinline: true, "data-id": g.id }) : poster(g);
    if (g.video) videos.push(media);
    const review = el("div", { class: "compare-review" });
    if (g.video) mountReview(review, g.id, media);
    return el("div", { class: "compare-col" }, media, el("p", {}, el("a", { href: link("takes", g.id) }, `take ${shortId(g.id)}`), " ", chip(g.status)), review);
  });
  syncVideos(videos);
  const rows = [
    ["Prompt", (g) => g.prompt_text],
    ["Model", (g) => g.model], ["Duration", (g) => g.params.duration && g.params.duration + " s"], ["Resolution", (g) => g.params.resolution],
    ["Aspect ratio", (g) => g.params.aspect_ratio], ["Audio", (g) => (g.params.generate_audio === undefined ? "" : g.params.generate_audio ? "on" : "off")],
    ["Negative prompt", (g) => g.negative_prompt || ""], ["Seed", (g) => String(g.provider_seed ?? g.seed ?? "random")],
    ["Images", (g) => (g.assets || []).map((a) => `${a.role} ${shortId(a.asset_id)}`).join(", ")],
    ["Cost", (g) => usd(g.cost_usd ?? g.estimated_cost_usd)],
  ];
  const table = el("table", { class: "compare-table" }, el("tbody", {}, ...rows.map(([name, value]) => {
    const values = takes.map((g) => String(value(g) ?? ""));
    const differs = new Set(values).size > 1;
    return el("tr", { class: differs ? "differs" : "" }, el("th", {}, name),
      ...values.map((v, i) => el("td", { class: differs && i > 0 && v !== values[0] ? "diff-cell" : "" },
        name === "Prompt" && i > 0 ? wordsAgainst(v, values[0]) : v)));
  })));
  const grid = el("div", { class: "compare-grid", id: "compare-grid" }, ...columns);
  grid.style.setProperty("--cols", String(takes.length));
  const shareable = takes.filter((g) => g.video).map((g) => g.id);
  const share = canSpend() && shareable.length >= 2 ? el("button", { type: "button", class: "secondary", id: "share-compare",
    onclick: () => openShareDialog([{ kind: "compare", generation_ids: shareable }]) }, "Share comparison for review") : null;
  root.replaceChildren(el("div", { class: "page-head" }, el("h1", {}, `Compare ${takes.length} takes`), share),
    el("p", { class: "muted small" }, "Play, pause or seek one video and the others follow. Highlighted: what differs from the first take."),
    grid, el("div", { class: "scroll-x" }, table));
}
