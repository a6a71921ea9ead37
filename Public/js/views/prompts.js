// Prompts: search, create, and one prompt's versions, labels, diff and render.
import { api, canSpend, listAll } from "../lib/api.js";
import { el, field, fillSelect, empty, into, toast } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { go, link } from "../lib/router.js";
import { diffView } from "./take.js";

async function list(root) {
  const campaigns = await listAll("/campaigns?limit=200");
  const search = el("form", { class: "inline", role: "search" }, field("Search prompt text", el("input", { name: "q", type: "search" })), el("button", { type: "submit", class: "secondary" }, "Search"));
  const form = el("form", { id: "prompt-form" },
    field("Name", el("input", { name: "name", required: true, maxlength: "200" })),
    field("Text (use {{variable}} placeholders)", el("textarea", { name: "text", rows: "4", required: true })),
    el("div", { class: "fields" }, field("Negative prompt", el("input", { name: "negative_prompt" })), field("Campaign", el("select", { name: "campaign_id" }))),
    el("button", { type: "submit" }, "Create prompt"));
  fillSelect(form.campaign_id, [["", "none"], ...campaigns.map((c) => [c.id, c.name])]);
  const box = el("div", { id: "prompt-list" });
  root.replaceChildren(el("h1", {}, "Prompts"), search,
    canSpend() ? el("details", { class: "card spaced" }, el("summary", {}, "New prompt"), form) : null, box);
  const load = (q = "") => into(box, async () => {
    const items = (await api("/prompts?limit=100" + (q ? "&q=" + encodeURIComponent(q) : ""))).data;
    if (!items.length) return empty(q ? "No prompt matches." : "No prompts yet. Write one with {{variables}} and reuse it in the Composer.");
    return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Latest"), el("th", {}, "Labels"), el("th", {}, "Text"), el("th", {}, "Updated"))),
      el("tbody", {}, ...items.map((p) => el("tr", {}, el("td", {}, el("a", { href: link("prompts", p.id) }, p.name)), el("td", {}, "v" + p.latest_version),
        el("td", {}, Object.entries(p.labels).map(([n, v]) => `${n}→v${v}`).join(", ")), el("td", { class: "muted" }, p.latest.text.slice(0, 120)), el("td", {}, when(p.updated_at))))));
  });
  search.addEventListener("submit", (e) => { e.preventDefault(); load(search.q.value); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { name: d.get("name"), text: d.get("text") };
    if (d.get("negative_prompt")) body.negative_prompt = d.get("negative_prompt");
    if (d.get("campaign_id")) body.campaign_id = d.get("campaign_id");
    try { const p = await api("/prompts", { method: "POST", body }); go(link("prompts", p.id)); } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}

async function detail(root, id) {
  const [prompt, versions] = await Promise.all([api(`/prompts/${id}`), api(`/prompts/${id}/versions?limit=200`).then((r) => r.data)]);
  const numbers = versions.map((v) => v.version);
  const pick = (name, value) => { const s = el("select", { name }); fillSelect(s, numbers.map((n) => [n, "v" + n]), value); return s; };
  const diffBox = el("div", { id: "diff-box" });
  const renderOut = el("pre", { class: "diff", id: "render-out" });
  const diffForm = el("form", { class: "inline", id: "diff-form" }, field("From", pick("from", Math.max(1, prompt.latest_version - 1))), field("To", pick("to", prompt.latest_version)),
    el("button", { type: "submit", class: "secondary" }, "Show diff"));
  const versionForm = el("form", { id: "version-form" }, field("New version text", el("textarea", { name: "text", rows: "3", required: true }), "wide"),
    field("Note", el("input", { name: "note", maxlength: "500" })), el("button", { type: "submit" }, "Add version"));
  const labelForm = el("form", { class: "inline" }, field("Label", el("input", { name: "label", placeholder: "e.g. production", required: true })), field("Version", pick("version", prompt.latest_version)),
    el("button", { type: "submit", class: "secondary" }, "Move label"));
  const latest = versions.find((v) => v.version === prompt.latest_version);
  const renderForm = el("form", { class: "inline" }, ...(latest ? latest.variables : []).map((n) => field(`{{${n}}}`, el("input", { name: n }))),
    el("button", { type: "submit", class: "secondary" }, "Render latest"));
  root.replaceChildren(
    el("p", { class: "crumbs" }, el("a", { href: "#prompts" }, "Prompts"), " / ", prompt.name),
    el("h1", {}, `${prompt.name} · v${prompt.latest_version}`),
    el("p", {}, "Labels: " + (Object.entries(prompt.labels).map(([n, v]) => `${n} → v${v}`).join(", ") || "none"),
      " · ", el("a", { href: `#compose` }, "Use it in the Composer")),
    el("table", { id: "versions" }, el("thead", {}, el("tr", {}, el("th", {}, "Version"), el("th", {}, "Text"), el("th", {}, "Variables"), el("th", {}, "Created"))),
      el("tbody", {}, ...versions.map((v) => el("tr", {}, el("td", {}, "v" + v.version), el("td", {}, el("pre", {}, v.text), v.note ? el("div", { class: "muted small" }, v.note) : null),
        el("td", {}, v.variables.join(", ")), el("td", {}, when(v.created_at)))))),
    canSpend() ? el("div", { class: "card spaced" }, versionForm, labelForm) : null,
    el("h2", { class: "section" }, "Diff"), diffForm, diffBox,
    el("h2", { class: "section" }, "Render"), renderForm, renderOut);
  const showDiff = () => into(diffBox, async () => diffView(await api(`/prompts/${id}/diff?from=${diffForm.from.value}&to=${diffForm.to.value}`)));
  diffForm.addEventListener("submit", (e) => { e.preventDefault(); showDiff(); });
  versionForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { text: versionForm.text.value };
    if (versionForm.note.value) body.note = versionForm.note.value;
    try { await api(`/prompts/${id}/versions`, { method: "POST", body }); toast("Version added."); await detail(root, id); } catch (err) { toast(err.message, "bad"); }
  });
  labelForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await api(`/prompts/${id}/labels/${encodeURIComponent(labelForm.label.value)}`, { method: "PUT", body: { version: Number(labelForm.version.value) } }); await detail(root, id); } catch (err) { toast(err.message, "bad"); }
  });
  renderForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const r = await api(`/prompts/${id}/render`, { method: "POST", body: { variables: Object.fromEntries(new FormData(renderForm)) } });
      renderOut.textContent = r.text + (r.negative_prompt ? "\n\nNegative: " + r.negative_prompt : "");
    } catch (err) { renderOut.textContent = err.message; }
  });
  if (versions.length > 1) showDiff();
}

export function render(root, params) { return params.id ? detail(root, params.id) : list(root); }
