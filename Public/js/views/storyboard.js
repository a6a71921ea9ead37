// The storyboard editor: the shot strip, adding shots, generating (the dry-run estimate is
// shown first, then confirmed), pausing errors and resume, and the cuts with their player.
import { api, canSpend, listAll } from "../lib/api.js";
import { el, chip, field, fillSelect, toast, empty, into } from "../lib/dom.js";
import { usd, when, seconds } from "../lib/format.js";
import { link } from "../lib/router.js";
import * as live from "../lib/live.js";
import { shotStrip } from "./storyboard-shots.js";
import { openShareDialog } from "./sharedialog.js";

/** The campaign page's list of storyboards, with a form to start one. */
export async function mountStoryboardList(box, campaignId) {
  const list = el("ul", { class: "plain", id: "storyboard-list" });
  const name = el("input", { name: "name", required: true, maxlength: "200", placeholder: "e.g. 30 s launch teaser" });
  const form = canSpend() ? el("form", { class: "inline", id: "storyboard-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const board = await api(`/campaigns/${campaignId}/storyboards`, { method: "POST", body: { name: name.value } });
      location.hash = link("storyboards", board.id);
    } catch (err) { toast(err.message, "bad"); }
  } }, field("New storyboard", name), el("button", { type: "submit" }, "Create storyboard")) : null;
  box.replaceChildren(list, form || "");
  await into(list, async () => {
    const boards = await listAll(`/campaigns/${campaignId}/storyboards?limit=200`);
    return boards.length ? boards.map((b) => el("li", {}, el("a", { href: link("storyboards", b.id) }, b.name), " ", chip(b.status)))
      : el("li", { class: "muted" }, "No storyboards yet.");
  });
}

/** The add-shot form, built once; `sync` follows the storyboard (continuity needs a shot before). */
function shotForm(board, models, reload) {
  const f = {
    text: el("textarea", { name: "prompt", rows: "2", required: true, maxlength: "4000", placeholder: "What happens in this shot" }),
    model: el("select", { name: "model" }), duration: el("select", { name: "duration" }), aspect: el("select", { name: "aspect_ratio" }),
    takes: el("select", { name: "takes" }), audio: el("input", { type: "checkbox", name: "generate_audio", checked: true }),
    continuity: el("input", { type: "checkbox", name: "continuity", checked: (board.shots || []).length > 0, disabled: !(board.shots || []).length }),
  };
  const byID = Object.fromEntries(models.map((m) => [m.model.id, m.model]));
  fillSelect(f.model, models.map((m) => [m.model.id, m.model.displayName || m.model.id]));
  fillSelect(f.takes, [1, 2, 3, 4].map((n) => [n, `${n} take${n > 1 ? "s" : ""}`]));
  const follow = () => {
    const m = byID[f.model.value];
    if (!m) return;
    fillSelect(f.duration, m.durations.map((d) => [d, d + " s"]), m.defaults.duration);
    fillSelect(f.aspect, m.aspectRatios.map((a) => [a, a]), m.defaults.aspect_ratio);
  };
  f.model.addEventListener("change", follow);
  follow();
  const sync = (current) => {
    const none = !(current.shots || []).length;
    if (f.continuity.disabled !== none) { f.continuity.disabled = none; f.continuity.checked = !none; }
  };
  const node = el("form", { class: "composer", id: "shot-form", onsubmit: async (e) => {
    e.preventDefault();
    const body = { prompt: { text: f.text.value }, model: f.model.value, takes: Number(f.takes.value), continuity: f.continuity.checked && !f.continuity.disabled,
      parameters: { duration: Number(f.duration.value), aspect_ratio: f.aspect.value, generate_audio: f.audio.checked } };
    try {
      await api(`/storyboards/${board.id}/shots`, { method: "POST", body });
      f.text.value = "";
      toast("Shot added.");
      reload();
    } catch (err) { toast(err.message, "bad"); }
  } }, field("Prompt", f.text),
  el("div", { class: "fields" }, field("Model", f.model), field("Duration", f.duration), field("Aspect ratio", f.aspect), field("Takes", f.takes)),
  el("div", { class: "checks" }, el("label", { class: "check" }, f.audio, " Audio"), el("label", { class: "check" }, f.continuity, " Continue from the previous shot")),
  el("button", { type: "submit" }, "Add shot"));
  return { node, sync };
}

/** Generate: first the dry run's figures, then a confirm button that spends. */
function generateBox(board, reload) {
  const out = el("div", { id: "estimate", role: "status" });
  const run = async (path, what) => {
    try { await api(path, { method: "POST" }); toast(what); } catch (err) { toast(err.message, "bad"); }
    reload();
  };
  const estimate = el("button", { type: "button", id: "estimate-button", disabled: !(board.shots || []).length || board.status === "running", onclick: async () => {
    try {
      const quote = await api(`/storyboards/${board.id}/generate?dry_run=true`, { method: "POST" });
      out.replaceChildren(el("p", { class: "estimate" }, `${quote.shots} shot${quote.shots === 1 ? "" : "s"}, ${quote.takes} take${quote.takes === 1 ? "" : "s"}: about ${usd(quote.estimate_usd)}`),
        canSpend() ? el("button", { type: "button", id: "generate-confirm", onclick: () => run(`/storyboards/${board.id}/generate`, "Storyboard queued: shots run in order.") }, `Generate for ~${usd(quote.estimate_usd)}`) : "");
    } catch (err) { out.replaceChildren(el("p", { class: "error-box", role: "alert" }, err.message)); }
  } }, "Estimate and generate");
  const resume = board.status === "paused" && canSpend()
    ? el("button", { type: "button", id: "resume", class: "secondary", onclick: () => run(`/storyboards/${board.id}/resume`, "Resumed where it stopped.") }, "Resume") : null;
  return el("div", { class: "actions generate" }, estimate, resume, out);
}

/** The cuts: a button to make one, the player (kept while it plays), and the list. */
function mountCuts(board, reload) {
  const player = el("div", { id: "cut-player-box" });
  const list = el("div");
  let playing = null;
  const play = (cut) => {
    playing = cut.number;
    player.replaceChildren(el("figure", { class: "cut-figure" },
      el("video", { id: "cut-player", controls: true, preload: "metadata", playsinline: true, src: cut.video_url, poster: cut.poster_url || undefined }),
      el("figcaption", { class: "small muted" }, `Cut ${cut.number} · ${seconds(cut.duration_seconds)} · ${cut.width}×${cut.height}${cut.has_audio ? " · with sound" : ""}`)));
  };
  const make = canSpend() ? el("button", { type: "button", id: "make-cut", onclick: async () => {
    try { const cut = await api(`/storyboards/${board.id}/cuts`, { method: "POST" }); toast(`Cut ${cut.number} is rendering.`); } catch (err) { toast(err.message, "bad"); }
    reload();
  } }, "Make a cut of the chosen takes") : null;
  const update = (cuts) => {
    const ready = cuts.filter((c) => c.state === "ready");
    const newest = ready[ready.length - 1];
    if (newest && (playing === null || newest.number > playing)) play(newest);  // a new cut replaces the player, a poll does not
    list.replaceChildren(cuts.length ? el("ol", { class: "cut-list", id: "cut-list" }, ...cuts.slice().reverse().map((c) => el("li", { "data-number": String(c.number), "data-state": c.state },
      c.state === "ready" ? el("button", { type: "button", class: "link", onclick: () => play(c) }, `Cut ${c.number}`) : `Cut ${c.number} `, " ", chip(c.state),
      c.error ? el("span", { class: "small bad" }, " " + c.error) : "", el("span", { class: "small muted" }, ` ${c.generation_ids.length} takes · ${when(c.created_at)}`),
      c.state === "ready" && canSpend() ? el("button", { type: "button", class: "secondary small", "data-share-cut": String(c.number),
        onclick: () => openShareDialog([{ kind: "cut", storyboard_id: board.id, cut_number: c.number }]) }, "Share cut") : "")))
      : empty("No cut yet: choose a take for every shot, then make one."));
  };
  return { box: el("div", {}, make, player, list), update };
}

export async function render(root, { id }) {
  const [models, first] = await Promise.all([listAll("/models"), api(`/storyboards/${id}`)]);
  // Parts redrawn on every change; the shot form and the cut player stay as they are.
  const head = el("div");
  const strip = el("div");
  const generate = el("div");
  const cuts = mountCuts(first, () => again());
  const adder = canSpend() ? shotForm(first, models, () => again()) : null;
  const form = adder ? el("details", { class: "spaced", open: !(first.shots || []).length }, el("summary", {}, "Add a shot"), adder.node) : "";
  const body = el("div", { class: "storyboard" }, head, el("h2", { class: "section" }, "Shots"), strip, form,
    el("h2", { class: "section" }, "Generate"), generate, el("h2", { class: "section" }, "Cuts"), cuts.box);
  root.replaceChildren(body);
  let timer = null, soon = null, generateKey = null, takeIDs = new Set();
  async function reload() {
    const [board, list] = await Promise.all([api(`/storyboards/${id}`), api(`/storyboards/${id}/cuts`).then((p) => p.data)]);
    draw(board, list);
    // While shots or cuts are in progress, look again; the event stream also nudges us.
    clearTimeout(timer);
    const busy = board.status === "running" || list.some((c) => c.state === "rendering");
    if (busy && body.isConnected) timer = setTimeout(again, 2000);
  }
  function again() {
    clearTimeout(soon);
    soon = setTimeout(() => reload().catch((err) => toast(err.message, "bad")), 200);
  }
  function draw(board, list) {
    takeIDs = new Set((board.shots || []).flatMap((s) => s.takes_made.map((t) => t.generation_id)));
    body.dataset.status = board.status;
    head.replaceChildren(
      el("p", { class: "crumbs" }, el("a", { href: link("campaigns", board.campaign_id) }, "Campaign"), ` / ${board.name}`),
      el("div", { class: "page-head" }, el("h1", {}, board.name), chip(board.status)),
      board.description ? el("p", { class: "muted" }, board.description) : "",
      board.error ? el("p", { class: "error-box", role: "alert", id: "storyboard-error" }, `Paused: ${board.error.message}`) : "",
      board.waiting_for_choice ? el("p", { class: "note", role: "status" }, `Waiting for a chosen take: ${board.waiting_for_choice.reason}`) : "");
    strip.replaceChildren(shotStrip(board, again));
    if (adder) adder.sync(board);
    // The estimate stays on screen until the storyboard changes in a way that alters it.
    const key = `${board.status}:${(board.shots || []).map((s) => s.id + s.takes).join(",")}`;
    if (key !== generateKey) generate.replaceChildren(generateBox(board, again));
    generateKey = key;
    cuts.update(list);
  }
  live.subscribe((event) => {
    if (body.isConnected && ((event.generation_id && takeIDs.has(event.generation_id)) || event.storyboard_id === id)) again();
  });
  await reload();
}
