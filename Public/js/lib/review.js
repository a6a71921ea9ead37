// The review of one take (verdict, rating, comments pinned to timecodes), shared by the take
// page, compare and the client's public page. It only draws and calls back: whoever mounts
// it says how to save (the team's API or the share link's).
import { el, field, toast } from "./dom.js";

export const VERDICTS = [["approved", "Approve"], ["needs_changes", "Needs changes"], ["rejected", "Reject"]];
const VERDICT_WORDS = { approved: "Approved", needs_changes: "Needs changes", rejected: "Rejected" };

/** 3.25 → "00:03.3"; whole seconds drop the tenth. */
export function timecode(s) {
  const whole = Math.floor(s);
  const tenth = Math.round((s - whole) * 10);
  const mm = String(Math.floor(whole / 60)).padStart(2, "0"), ss = String(whole % 60).padStart(2, "0");
  return tenth && tenth < 10 ? `${mm}:${ss}.${tenth}` : `${mm}:${ss}`;
}

const who = (author) => author ? `${author.name}${author.client ? " (client)" : ""}` : "";

export function verdictChip(verdict) {
  return verdict ? el("span", { class: "chip v-" + verdict, "data-verdict": verdict }, VERDICT_WORDS[verdict]) : null;
}

/**
 * review: the API's TakeReview. player: the <video> (seeked by timecodes, read for "now").
 * save: { verdict(v), rating(n), comment(body, at) } each resolving to the fresh review; absent
 * ones are not offered. askName: the public page asks the client's name with every act.
 */
export function reviewPanel(review, player, save, { askName } = {}) {
  const box = el("section", { class: "review", "aria-label": "Review", "data-review": review.generation_id });
  let at = null;
  const tick = () => { if (at) at.textContent = "at " + timecode(player ? player.currentTime : 0); };
  if (player) { player.addEventListener("timeupdate", tick); player.addEventListener("seeked", tick); }
  function draw(r) {
    const status = el("p", { class: "verdict-line", "data-verdict-line": "" },
      r.verdict ? [verdictChip(r.verdict), " by ", who(r.verdict_by)] : el("span", { class: "muted" }, "No verdict yet."),
      r.rating ? el("span", { class: "rating-now" }, ` · ${"★".repeat(r.rating)}${"☆".repeat(5 - r.rating)}`) : null);
    const verdicts = save.verdict ? el("div", { class: "verdicts", role: "group", "aria-label": "Verdict" }, ...VERDICTS.map(([value, label]) =>
      el("button", { type: "button", class: value === r.verdict ? "on" : "secondary", "aria-pressed": String(value === r.verdict), "data-set-verdict": value,
        onclick: () => act(() => save.verdict(value)) }, label))) : null;
    const stars = save.rating ? el("div", { class: "stars", role: "group", "aria-label": "Rating" }, ...[1, 2, 3, 4, 5].map((n) =>
      el("button", { type: "button", class: "star" + (r.rating >= n ? " on" : ""), "aria-label": `${n} of 5`, "aria-pressed": String(r.rating === n),
        "data-set-rating": String(n), onclick: () => act(() => save.rating(r.rating === n ? null : n)) }, r.rating >= n ? "★" : "☆"))) : null;
    const list = el("ol", { class: "comments", "data-comments": "" }, ...r.comments.map((c) => el("li", { "data-at": String(c.at_seconds) },
      el("button", { type: "button", class: "timecode", "aria-label": `play from ${timecode(c.at_seconds)}`,
        onclick: () => { if (player) { player.currentTime = c.at_seconds; player.focus(); } } }, timecode(c.at_seconds)),
      " ", el("span", { class: "comment-body" }, c.body), el("span", { class: "small muted" }, " — ", who(c.author)))));
    const text = el("textarea", { name: "body", rows: "2", maxlength: "2000", required: true, placeholder: "What do you see at this moment?" });
    at = el("span", { class: "small muted", "data-comment-at": "" }, "at 00:00");
    tick();
    const form = save.comment ? el("form", { class: "comment-form", onsubmit: (e) => {
      e.preventDefault();
      const when = player ? Math.round(player.currentTime * 10) / 10 : 0;
      act(() => save.comment(text.value, when));
    } }, field("Comment at the current time", text), el("div", { class: "row" }, at, el("button", { type: "submit" }, "Add comment"))) : null;
    box.replaceChildren(...[status, verdicts, stars, el("h3", { class: "section" }, `Comments (${r.comments.length})`),
      r.comments.length ? list : el("p", { class: "muted small" }, "No comments yet."), form].filter(Boolean));
  }
  async function act(call) {
    if (askName && !askName()) return;
    try { draw(await call()); } catch (err) { toast(err.message, "bad"); }
  }
  draw(review);
  box.redraw = draw;
  return box;
}
