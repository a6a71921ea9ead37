// The share dialog: what to share (the kinds this page offers), for how long, an optional
// password; the link is shown once, with a copy button.
import { api } from "../lib/api.js";
import { el, field, fillSelect, toast } from "../lib/dom.js";

const KIND_WORDS = { take: "This take", compare: "These takes, side by side", campaign: "The campaign's approved takes", cut: "This cut" };

/** choices: [{kind, ...target}] e.g. [{kind: "take", generation_id}] — the first is preselected. */
export function openShareDialog(choices) {
  const kind = el("select", { name: "kind", id: "share-kind" });
  fillSelect(kind, choices.map((c) => [c.kind, KIND_WORDS[c.kind] || c.kind]));
  const days = el("input", { name: "expires_in_days", id: "share-days", type: "number", min: "1", max: "90", value: "7", required: true, inputmode: "numeric" });
  const password = el("input", { name: "password", id: "share-password", type: "password", minlength: "8", maxlength: "200", autocomplete: "new-password" });
  const title = el("input", { name: "title", id: "share-title", maxlength: "200" });
  const result = el("div", { class: "share-result", "aria-live": "polite" });
  const form = el("form", { class: "composer", onsubmit: async (e) => {
    e.preventDefault();
    const target = choices.find((c) => c.kind === kind.value);
    const body = { ...target, expires_in_days: Number(days.value) };
    if (password.value) body.password = password.value;
    if (title.value.trim()) body.title = title.value.trim();
    try {
      const made = await api("/share-links", { method: "POST", body });
      const url = made.url || location.origin + made.path;
      const shown = el("p", { class: "once", id: "share-url" }, url);
      result.replaceChildren(
        el("p", {}, el("strong", {}, "Copy the link now: it is shown only once."), ` It expires ${new Date(made.link.expires_at).toLocaleString()}.`),
        shown,
        el("button", { type: "button", id: "share-copy", onclick: async () => {
          try { await navigator.clipboard.writeText(url); toast("Link copied."); } catch (_) { toast("Select the link and copy it.", "bad"); }
        } }, "Copy link"));
      form.querySelector("[type=submit]").disabled = true;
    } catch (err) { result.replaceChildren(el("p", { class: "error", role: "alert" }, err.message)); }
  } },
    field("Share", kind), field("Expires after (days, at most 90)", days), field("Password (optional, 8+ characters)", password),
    field("Title the client sees (optional)", title),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Create link"),
      el("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Close")));
  const dialog = el("dialog", { class: "share-dialog", id: "share-dialog", "aria-label": "Share for review" },
    el("h2", {}, "Share for review"), form, result);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  kind.focus();
  return dialog;
}
