// The shot strip of the storyboard editor: one card per shot with its thumbnail (the chosen
// take's poster), continuity toggle, take picker, and reordering by drag or by buttons.
import { api, canSpend } from "../lib/api.js";
import { el, chip, toast, ask } from "../lib/dom.js";
import { shortId } from "../lib/format.js";

/** The picture a shot shows: its chosen take's poster, else its first succeeded take's, else its
 *  number. The take is read first, so a poster not extracted yet is never requested (no 404). */
function thumbnail(shot, index) {
  const done = shot.takes_made.filter((t) => t.state === "succeeded");
  const id = shot.chosen_generation_id || (done[0] && done[0].generation_id);
  const box = el("div", { class: "shot-thumb placeholder", role: "img", "aria-label": `shot ${index + 1} has no poster yet` }, `Shot ${index + 1}`);
  if (id) {
    api(`/generations/${id}`).then((g) => {
      if (g.poster_url && box.isConnected) box.replaceWith(el("img", { class: "shot-thumb", src: g.poster_url, alt: `shot ${index + 1}, take ${shortId(id)}`, loading: "lazy" }));
    }).catch(() => { /* the placeholder stays */ });
  }
  return box;
}

/** Radio buttons for the shot's takes: only a succeeded take can be chosen. */
function takePicker(board, shot, index, reload) {
  if (!shot.takes_made.length) return el("p", { class: "small muted" }, `${shot.takes} take${shot.takes > 1 ? "s" : ""} to make`);
  const name = `take-${shot.id}`;
  return el("fieldset", { class: "take-picker" }, el("legend", { class: "small" }, "Chosen take"),
    ...shot.takes_made.map((t) => {
      const input = el("input", { type: "radio", name, value: t.generation_id, checked: t.generation_id === shot.chosen_generation_id,
        disabled: !canSpend() || t.state !== "succeeded", "aria-label": `shot ${index + 1}, take ${t.take_index + 1} (${t.state})` });
      input.addEventListener("change", async () => {
        try {
          await api(`/storyboards/${board.id}/shots/${shot.id}/chosen-take`, { method: "PUT", body: { generation_id: t.generation_id } });
          toast(`Shot ${index + 1}: take ${t.take_index + 1} chosen.`);
        } catch (err) { toast(err.message, "bad"); }
        reload();
      });
      return el("label", { class: "check take-option" }, input, ` ${t.take_index + 1} `, chip(t.state),
        el("a", { href: `#takes/${t.generation_id}`, class: "small" }, "open"));
    }));
}

/** Sends the new order; the server refuses an order that puts a continuity shot first. */
async function saveOrder(board, ids, reload) {
  try {
    await api(`/storyboards/${board.id}/shot-order`, { method: "PUT", body: { shot_ids: ids } });
  } catch (err) { toast(err.message, "bad"); }
  reload();
}

function moved(ids, from, to) {
  const next = ids.slice();
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

function shotCard(board, shot, index, ids, reload) {
  const edit = canSpend();
  const p = shot.parameters || {};
  const continuity = el("input", { type: "checkbox", class: "continuity", checked: shot.continuity, disabled: !edit || index === 0,
    "aria-label": `shot ${index + 1} continues from the last frame of shot ${index}` });
  continuity.addEventListener("change", async () => {
    try { await api(`/storyboards/${board.id}/shots/${shot.id}`, { method: "PATCH", body: { continuity: continuity.checked } }); } catch (err) { toast(err.message, "bad"); }
    reload();
  });
  const button = (text, label, onclick, cls = "secondary small") => el("button", { type: "button", class: cls, "aria-label": label, onclick }, text);
  const tools = edit ? el("div", { class: "shot-tools" },
    button("←", `move shot ${index + 1} earlier`, () => saveOrder(board, moved(ids, index, index - 1), reload)),
    button("→", `move shot ${index + 1} later`, () => saveOrder(board, moved(ids, index, index + 1), reload)),
    button("Duplicate", `duplicate shot ${index + 1}`, async () => {
      try { await api(`/storyboards/${board.id}/shots/${shot.id}/duplicate`, { method: "POST" }); } catch (err) { toast(err.message, "bad"); }
      reload();
    }),
    button("Delete", `delete shot ${index + 1}`, async () => {
      if (!(await ask(`Delete shot ${index + 1}? Its takes stay in the gallery.`, "Delete shot", true))) return;
      try { await api(`/storyboards/${board.id}/shots/${shot.id}`, { method: "DELETE" }); } catch (err) { toast(err.message, "bad"); }
      reload();
    }, "danger small")) : null;
  if (tools) {
    tools.children[0].disabled = index === 0;
    tools.children[1].disabled = index === ids.length - 1;
  }
  const card = el("li", { class: "shot-card", "data-id": shot.id, "data-position": String(index), draggable: edit ? "true" : false },
    thumbnail(shot, index),
    el("div", { class: "shot-body" },
      el("div", { class: "row" }, el("strong", {}, `Shot ${index + 1}`), el("span", { class: "small muted" }, [shot.model, p.duration && p.duration + " s", p.aspect_ratio].filter(Boolean).join(" · "))),
      el("p", { class: "shot-prompt small" }, shot.prompt.text || (shot.prompt.label ? `prompt label ${shot.prompt.label}` : "stored prompt")),
      el("label", { class: "check small" }, continuity, " Continue from the previous shot's last frame"),
      takePicker(board, shot, index, reload), tools));
  card.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", String(index)); card.classList.add("dragging"); });
  card.addEventListener("dragend", () => card.classList.remove("dragging"));
  card.addEventListener("dragover", (e) => { e.preventDefault(); card.classList.add("over"); });
  card.addEventListener("dragleave", () => card.classList.remove("over"));
  card.addEventListener("drop", (e) => {
    e.preventDefault();
    card.classList.remove("over");
    const from = Number(e.dataTransfer.getData("text/plain"));
    if (!Number.isNaN(from) && from !== index) saveOrder(board, moved(ids, from, index), reload);
  });
  return card;
}

/** The strip of shot cards, in order. */
export function shotStrip(board, reload) {
  const shots = board.shots || [];
  if (!shots.length) return el("p", { class: "empty" }, "No shots yet. Add the first one below.");
  const ids = shots.map((s) => s.id);
  return el("ol", { class: "shot-strip", id: "shot-strip", "aria-label": "Shots, in order" }, ...shots.map((s, i) => shotCard(board, s, i, ids, reload)));
}
