// One take: player, poster, prompt (with its version and the diff to the one before),
// parameters, seed (save as keeper), images, state timeline and attempts, cost and actions.
import { api, canSpend } from "../lib/api.js";
import { el, chip, field, ask, toast, into } from "../lib/dom.js";
import { costText, plainState, plainError, when, shortId, isFinal } from "../lib/format.js";
import { go, link } from "../lib/router.js";
import * as live from "../lib/live.js";
import { poster } from "./gallery.js";
import { reviewPanel } from "../lib/review.js";
import { openShareDialog } from "./sharedialog.js";

/** The team's way of saving a take's review (editors and owners; viewers only read). */
export function teamReviewSaves(id) {
  if (!canSpend()) return {};
  const put = (body) => api(`/generations/${id}/review`, { method: "PUT", body });
  return {
    verdict: (verdict) => put({ verdict }),
    rating: (rating) => put({ rating }),
    comment: async (body, at) => {
      await api(`/generations/${id}/comments`, { method: "POST", body: { body, at_seconds: at } });
      return api(`/generations/${id}/review`);
    },
  };
}

/** The review box for a take with a video; it redraws itself when a verdict or comment arrives live. */
export function mountReview(box, id, player) {
  into(box, async () => reviewPanel(await api(`/generations/${id}/review`), player, teamReviewSaves(id)));
  live.subscribe(async (event) => {
    if (event.generation_id !== id || !event.kind || !event.kind.startsWith("take.") || !box.isConnected) return;
    const panel = box.querySelector(".review");
    if (panel && panel.redraw) panel.redraw(await api(`/generations/${id}/review`));
  });
}

async function promptDiff(g) {
  if (!g.prompt_id || !g.prompt_version_id) return el("p", { class: "muted small" }, "Free text (no stored prompt).");
  const versions = (await api(`/prompts/${g.prompt_id}/versions?limit=200`)).data;
  const mine = versions.find((v) => v.id === g.prompt_version_id);
  const head = el("p", {}, el("a", { href: link("prompts", g.prompt_id) }, `Stored prompt, version ${mine ? mine.version : "?"}`));
  if (!mine || mine.version <= 1) return el("div", {}, head, el("p", { class: "muted small" }, "First version: nothing to compare with."));
  const diff = await api(`/prompts/${g.prompt_id}/diff?from=${mine.version - 1}&to=${mine.version}`);
  return el("div", {}, head, el("p", { class: "small muted" }, `Changes from v${mine.version - 1}:`), diffView(diff));
}

/** A unified diff, each line coloured by its sign. */
export function diffView(diff) {
  const text = diff.unified || "";
  if (!text) return el("p", { class: "muted" }, "No text changes." + (diff.changed_fields && diff.changed_fields.length ? " Changed: " + diff.changed_fields.join(", ") : ""));
  return el("pre", { class: "diff", "data-diff": "" }, ...text.split("\n").map((line) => el("span", {
    class: line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : "" }, line + "\n")));
}

function actions(g, redraw) {
  if (!canSpend()) return el("div", { class: "actions" }, g.video ? el("a", { class: "button-link", href: g.video.url, download: `take-${shortId(g.id)}.mp4` }, "Download") : null);
  const post = async (path, body, done) => {
    try { const r = await api(path, { method: "POST", body }); done(r); } catch (err) { toast(err.message, "bad"); }
  };
  const buttons = [
    el("button", { type: "button", id: "rerun", onclick: () => post(`/generations/${g.id}/rerun`, undefined, (r) => { toast("Rerun queued with the same seed."); go(link("takes", r.id)); }) }, "Rerun (same seed)"),
    el("a", { class: "button-link", href: `#compose?from=${g.id}` }, "Rerun with changes"),
  ];
  if (["queued", "submitting", "submitted"].includes(g.status)) {
    buttons.push(el("button", { type: "button", class: "secondary", onclick: async () => {
      if (g.status !== "queued" && !(await ask("It is already at the provider, which cannot stop it: it will still be billed. Cancel anyway?", "Cancel the take", true))) return;
      post(`/generations/${g.id}/cancel`, undefined, redraw);
    } }, "Cancel"));
  }
  if (g.status === "submit_unknown") {
    buttons.push(
      el("button", { type: "button", class: "secondary", onclick: async () => {
        const billed = await ask("Did the provider bill it? Check its dashboard. Yes books the estimate as spent; Cancel books nothing.", "It was billed");
        post(`/generations/${g.id}/resolve`, { billed, note: billed ? "billed, per the provider's dashboard" : "not billed" }, redraw);
      } }, "Resolve"),
      el("button", { type: "button", class: "danger", onclick: async () => {
        if (!(await ask("The provider may already have made (and billed) this take: we lost its answer. Retrying sends it again and may CHARGE TWICE.", "Retry, may charge twice", true))) return;
        post(`/generations/${g.id}/retry`, { confirm_double_charge: true }, redraw);
      } }, "Retry (may charge twice)"));
  }
  if (g.video) buttons.push(el("a", { class: "button-link", href: g.video.url, download: `take-${shortId(g.id)}.mp4` }, "Download"),
    el("button", { type: "button", class: "secondary", id: "share-take", onclick: () => openShareDialog([{ kind: "take", generation_id: g.id }]) }, "Share for review"));
  return el("div", { class: "actions", id: "take-actions" }, ...buttons);
}

function saveKeeper(g, seed) {
  const note = el("input", { name: "note", placeholder: "why it is a keeper", maxlength: "500" });
  return el("form", { class: "inline", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("/seeds", { method: "POST", body: { value: seed, model: g.model, prompt_version_id: g.prompt_version_id || undefined, campaign_id: g.campaign_id || undefined, note: note.value } });
      toast(`Seed ${seed} saved as a keeper.`);
    } catch (err) { toast(err.message, "bad"); }
  } }, field("Note", note), el("button", { type: "submit", class: "secondary" }, "Save seed as keeper"));
}

export async function render(root, { id }) {
  let g = await api(`/generations/${id}`);
  const body = el("div");
  root.replaceChildren(body);
  function draw() {
    const seed = g.provider_seed ?? g.seed;
    const media = g.video
      ? el("video", { id: "player", controls: true, preload: "metadata", src: g.video.url, poster: g.poster_url || undefined, playsinline: true })
      : poster(g, "poster big-poster");
    const diffBox = el("div");
    const reviewBox = el("div", { id: "take-review" });
    const p = g.params || {};
    body.replaceChildren(
      el("p", { class: "crumbs" }, g.campaign_id ? el("a", { href: link("campaigns", g.campaign_id) }, "Campaign") : el("a", { href: "#takes" }, "Takes"), ` / take ${shortId(g.id)}`),
      el("div", { class: "page-head" }, el("h1", {}, `Take ${shortId(g.id)}`), chip(g.status)),
      el("div", { class: "take-layout" },
        el("div", { class: "media" }, media, g.poster_url && g.video ? el("details", {}, el("summary", {}, "Poster frame"), el("img", { src: g.poster_url, alt: "poster frame", class: "poster" })) : null,
          g.video ? reviewBox : null),
        el("div", { class: "facts" },
          el("p", { class: "muted" }, plainState(g.status)),
          g.error ? el("p", { class: "error-box", role: "alert" }, plainError(g.error)) : null,
          actions(g, async () => { g = await api(`/generations/${id}`); draw(); }),
          el("h2", { class: "section" }, "Cost"), el("p", { id: "take-cost" }, costText(g)),
          el("h2", { class: "section" }, "Prompt"), el("blockquote", { class: "prompt" }, g.prompt_text),
          g.negative_prompt ? el("p", { class: "small" }, "Negative: " + g.negative_prompt) : null, diffBox,
          el("h2", { class: "section" }, "Parameters"),
          el("table", { class: "kv" }, el("tbody", {}, ...[["Model", g.model], ["Duration", p.duration && p.duration + " s"], ["Resolution", p.resolution],
            ["Aspect ratio", p.aspect_ratio], ["Audio", p.generate_audio === undefined ? null : p.generate_audio ? "on" : "off"], ["Frames per second", p.fps],
            ["People", p.person_generation], ["Seed", seed ?? "random"],
            ["Asked through", g.source === "gateway" ? "the Segmind-compatible gateway" : null],
            ["API key", g.api_key_id ? g.api_key_id.slice(0, 8).toLowerCase() : null]].filter(([, v]) => v !== undefined && v !== null)
            .map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, String(v)))))),
          canSpend() && seed !== null && seed !== undefined ? saveKeeper(g, seed) : null,
          el("h2", { class: "section" }, "Images used"),
          (g.assets || []).length ? el("div", { class: "strip" }, ...g.assets.map((a) => el("figure", { class: "mini" },
            el("img", { src: `/api/v1/assets/${a.asset_id}/content`, alt: a.role.replace("_", " "), class: "thumb-sm" }), el("figcaption", { class: "small" }, a.role.replace("_", " ")))))
            : el("p", { class: "muted small" }, "None: text only."),
          el("h2", { class: "section" }, "Timeline"),
          el("ol", { class: "timeline" }, ...(g.transitions || []).map((t) => el("li", {}, chip(t.to), " ", when(t.at)))),
          (g.attempts || []).length ? el("div", {}, el("h2", { class: "section" }, "Attempts"),
            el("ol", { class: "timeline" }, ...g.attempts.map((a) => el("li", {}, `#${a.attempt} ${a.phase}: ${a.outcome}`, a.http_status ? ` (HTTP ${a.http_status})` : "",
              a.message ? el("div", { class: "small muted" }, a.message) : null, " ", el("span", { class: "small muted" }, when(a.at)))))) : null)));
    into(diffBox, () => promptDiff(g));
    if (g.video) mountReview(reviewBox, id, media);
  }
  draw();
  let asked = 0;
  live.subscribe(async (event) => {
    if (event.generation_id !== id || !body.isConnected) return;
    const mine = ++asked;
    const fresh = await api(`/generations/${id}`);
    if (mine !== asked) return;  // a newer answer is on its way
    const changed = fresh.status !== g.status || fresh.poster_url !== g.poster_url || fresh.cost_usd !== g.cost_usd;
    g = fresh;
    if (changed) draw();
  }, async () => { if (!isFinal(g.status)) { g = await api(`/generations/${id}`); draw(); } });
}

