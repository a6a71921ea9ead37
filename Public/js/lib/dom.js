// Building DOM without innerHTML: el("div", {class: "x", onclick: fn}, child, "text").
const SVG_NS = "http://www.w3.org/2000/svg";

function apply(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "class") node.setAttribute("class", v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const el = (tag, attrs = {}, ...children) => apply(document.createElement(tag), attrs, children);
export const svg = (tag, attrs = {}, ...children) => apply(document.createElementNS(SVG_NS, tag), attrs, children);
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Fills a <select> with [value, text] pairs, keeping the current choice when still offered. */
export function fillSelect(select, pairs, preferred) {
  const keep = preferred !== undefined && preferred !== null ? String(preferred) : select.value;
  select.replaceChildren(...pairs.map(([value, text]) => el("option", { value: String(value) }, text)));
  if (pairs.some(([value]) => String(value) === keep)) select.value = keep;
}

/** A labelled form field: the label wraps its control so screen readers name it. */
export const field = (label, control, cls) => el("label", { class: cls || "" }, el("span", { class: "label" }, label), control);

export const loading = (text = "Loading…") => el("p", { class: "loading", role: "status" }, text);
export const empty = (text, ...extra) => el("div", { class: "empty" }, el("p", {}, text), ...extra);
export const failure = (err) => el("p", { class: "error-box", role: "alert" }, err.message || String(err));

export const chip = (status) => el("span", { class: "chip s-" + status, "data-status": status }, status.replace("_", " "));

/** Renders `load()` into `box`: a loading line first, the error in place when it fails. */
export async function into(box, load) {
  box.replaceChildren(loading());
  try { box.replaceChildren(...[await load()].flat()); } catch (err) { box.replaceChildren(failure(err)); }
}

export function toast(text, kind = "ok") {
  const box = $("#toasts");
  const note = el("div", { class: "toast " + kind, role: kind === "bad" ? "alert" : "status" }, text);
  box.append(note);
  setTimeout(() => note.remove(), kind === "bad" ? 8000 : 4000);
}

/** A confirmation dialog (no window.confirm, so it is styled and testable); resolves true/false. */
export function ask(question, yes = "Yes", danger = false) {
  return new Promise((resolve) => {
    const dialog = el("dialog", { class: "ask" },
      el("p", {}, question),
      el("div", { class: "actions" },
        el("button", { class: "secondary", type: "button", onclick: () => { dialog.close(); resolve(false); } }, "Cancel"),
        el("button", { class: danger ? "danger" : "", type: "button", "data-confirm": "", onclick: () => { dialog.close(); resolve(true); } }, yes)));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  });
}
