// The client's review page at /s/{token}: no account, no session. It reads only the link's
// own API (/s/{token}/api/…): the takes the link covers, their videos, and the client's
// verdicts and comments, given under a name they type; or, for a cut link, the cut's player
// with the list of its takes (each a place to jump to in the cut).
import { el, field, toast } from "./lib/dom.js";
import { reviewPanel } from "./lib/review.js";

const token = location.pathname.split("/")[2] || "";
const base = `/s/${token}/api`;
const root = document.getElementById("share");

async function call(path, { method = "GET", body } = {}) {
  const res = await fetch(base + path, {
    method, credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!res.ok) {
    const err = new Error(data && data.error ? data.error.message : `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

function passwordForm() {
  const input = el("input", { name: "password", type: "password", autocomplete: "current-password", required: true, id: "share-password" });
  const error = el("p", { class: "error", role: "alert" });
  return el("div", { class: "card narrow" }, el("h1", {}, "This review is protected"),
    el("form", { id: "unlock-form", onsubmit: async (e) => {
      e.preventDefault();
      try { await call("/unlock", { method: "POST", body: { password: input.value } }); await load(); }
      catch (err) { error.textContent = err.message; input.select(); }
    } }, field("Password", input), el("button", { type: "submit" }, "Open"), error));
}

function nameField() {
  const input = el("input", { name: "reviewer", id: "reviewer-name", maxlength: "80", autocomplete: "name", required: true,
    value: localStorage.getItem("reelbase-reviewer") || "" });
  input.addEventListener("change", () => localStorage.setItem("reelbase-reviewer", input.value.trim()));
  return input;
}

function takeView(take, count, nameInput) {
  const video = el("video", { controls: true, preload: "metadata", src: take.video_url, poster: take.poster_url || undefined, playsinline: true,
    "aria-label": `Take ${take.position} of ${count}` });
  const name = () => nameInput.value.trim();
  const askName = () => {
    if (name()) { localStorage.setItem("reelbase-reviewer", name()); return true; }
    toast("Type your name first, so the team knows who said it.", "bad");
    nameInput.focus();
    return false;
  };
  const save = {
    verdict: (verdict) => call(`/takes/${take.id}/verdict`, { method: "POST", body: { verdict, name: name() } }),
    comment: async (body, at) => {
      await call(`/takes/${take.id}/comments`, { method: "POST", body: { body, at_seconds: at, name: name() } });
      const fresh = await call("/link");
      return fresh.takes.find((t) => t.id === take.id).review;
    },
  };
  return el("article", { class: "shared-take", "data-take": take.id },
    count > 1 ? el("h2", {}, `Take ${take.position}`) : null, video, reviewPanel(take.review, video, save, { askName }));
}

function cutView(cut) {
  const video = el("video", { id: "cut-player", controls: true, preload: "metadata", src: cut.video_url, poster: cut.poster_url || undefined,
    playsinline: true, "aria-label": `Cut ${cut.number}` });
  let start = 0;
  const items = cut.takes.map((t) => {
    const at = start;
    start += t.duration_seconds || 0;
    const label = `Shot ${t.position} · ${t.model}${t.duration_seconds ? ` · ${t.duration_seconds} s` : ""}`;
    return el("li", { "data-position": String(t.position) },
      el("button", { type: "button", class: "link", onclick: () => { video.currentTime = at; video.play().catch(() => {}); } }, label));
  });
  const facts = [cut.duration_seconds ? `${cut.duration_seconds.toFixed(1)} s` : "", cut.width ? `${cut.width}×${cut.height}` : "",
    cut.has_audio ? "with sound" : ""].filter(Boolean).join(" · ");
  return el("article", { class: "shared-cut" }, el("figure", { class: "cut-figure" }, video, el("figcaption", { class: "small muted" }, facts)),
    el("h2", {}, "Shots in this cut"), el("ol", { class: "cut-takes", id: "cut-takes" }, ...items));
}

async function load() {
  let link;
  try { link = await call("/link"); } catch (err) {
    root.replaceChildren(el("div", { class: "card narrow" }, el("h1", {}, "Link not available"),
      el("p", {}, err.status === 404 ? "This link does not exist, has expired or was withdrawn. Ask the team for a new one." : err.message)));
    return;
  }
  if (link.locked) { root.replaceChildren(passwordForm()); document.getElementById("share-password").focus(); return; }
  if (link.kind === "cut" && link.cut) {
    root.replaceChildren(el("h1", {}, link.title || `Cut ${link.cut.number} of ${link.cut.storyboard_name}`),
      el("p", { class: "muted small" }, `Shared until ${new Date(link.expires_at).toLocaleDateString()}. Play the whole cut, or jump to a shot from the list.`),
      cutView(link.cut));
    return;
  }
  const nameInput = nameField();
  const heading = link.title || (link.kind === "campaign" ? `Approved takes${link.campaign_name ? " of " + link.campaign_name : ""}`
    : link.kind === "compare" ? `Compare ${link.takes.length} takes` : "Take for review");
  root.replaceChildren(
    el("h1", {}, heading),
    el("p", { class: "muted small" }, `Shared for review until ${new Date(link.expires_at).toLocaleDateString()}. Play, then approve, reject or ask for changes; comments are pinned to the moment you are watching.`),
    el("div", { class: "reviewer" }, field("Your name", nameInput)),
    el("div", { class: "shared-grid" + (link.takes.length > 1 ? " many" : "") }, ...link.takes.map((t) => takeView(t, link.takes.length, nameInput))));
}

load();
