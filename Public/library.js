// Reelbase dashboard, library views: campaigns, prompts (versions, labels, diff, render),
// assets (upload, import, thumbnails) and seeds. Uses api/el/$/when/views from app.js.
"use strict";

const canEdit = () => state.me.role !== "viewer";
const money = (v) => (v === null || v === undefined ? "—" : "$" + Number(v).toFixed(2));

// A paged list: `render(items, append)` draws rows; "Load more" follows next_cursor.
function pager(root, moreSel, path, render) {
  const more = $(moreSel, root);
  let cursor = null;
  async function load(append) {
    const sep = path().includes("?") ? "&" : "?";
    const page = await api(path() + (append && cursor ? sep + "cursor=" + encodeURIComponent(cursor) : ""));
    render(page.data, append);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  more.onclick = () => load(true).catch(showError);
  return load;
}

views.campaigns = async (root) => {
  const tbody = $("tbody", root);
  const archived = $("#campaign-archived", root);
  const load = pager(root, "#campaign-more", () => "/campaigns?limit=50" + (archived.checked ? "&include_archived=true" : ""), (items, append) => {
    const rows = items.map((c) => el("tr", { class: c.archived_at ? "muted" : "" },
      el("td", {}, c.name, c.description ? el("div", { class: "muted" }, c.description) : ""),
      el("td", {}, money(c.budget_usd)), el("td", {}, money(c.reserved_usd)), el("td", {}, money(c.spent_usd)),
      el("td", {}, `${c.counts.prompts} / ${c.counts.assets} / ${c.counts.seeds}`),
      el("td", {}, c.tags.join(", ")), el("td", {}, when(c.created_at)),
      el("td", {}, !canEdit() ? "" : el("button", { class: "secondary", onclick: async () => {
        await api(`/campaigns/${c.id}/${c.archived_at ? "restore" : "archive"}`, { method: "POST" }).catch(showError);
        load(false).catch(showError);
      } }, c.archived_at ? "Restore" : "Archive"))));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    if (!append && !items.length) tbody.replaceChildren(el("tr", {}, el("td", { colspan: "8", class: "empty" }, "No campaigns yet.")));
  });
  archived.onchange = () => load(false).catch(showError);
  const form = $("#campaign-form", root);
  form.hidden = !canEdit();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { name: data.get("name"), tags: data.get("tags").split(",").map((t) => t.trim()).filter(Boolean) };
    if (data.get("budget_usd")) body.budget_usd = data.get("budget_usd");
    try { await api("/campaigns", { method: "POST", body }); form.reset(); load(false); } catch (err) { showError(err); }
  };
  await load(false);
};

views.prompts = async (root) => {
  const tbody = $("tbody", root);
  let query = "";
  const load = pager(root, "#prompt-more", () => "/prompts?limit=50" + query, (items, append) => {
    const rows = items.map((p) => el("tr", { class: "clickable", onclick: () => showPrompt(root, p.id).catch(showError) },
      el("td", {}, p.name), el("td", {}, "v" + p.latest_version),
      el("td", {}, Object.entries(p.labels).map(([n, v]) => `${n}→v${v}`).join(", ")),
      el("td", { class: "muted" }, p.latest.text.slice(0, 120)), el("td", {}, when(p.updated_at))));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    if (!append && !items.length) tbody.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "empty" }, "No prompts found.")));
  });
  $("#prompt-search", root).onsubmit = (event) => {
    event.preventDefault();
    const q = new FormData(event.target).get("q");
    query = q ? "&q=" + encodeURIComponent(q) : "";
    load(false).catch(showError);
  };
  const form = $("#prompt-form", root);
  form.closest("details").hidden = !canEdit();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { name: data.get("name"), text: data.get("text") };
    if (data.get("negative_prompt")) body.negative_prompt = data.get("negative_prompt");
    try { const p = await api("/prompts", { method: "POST", body }); form.reset(); await load(false); showPrompt(root, p.id); } catch (err) { showError(err); }
  };
  await load(false);
};

// One prompt: its versions, labels, a diff between two versions and a render form.
async function showPrompt(root, id) {
  const box = $("#prompt-detail", root);
  const [prompt, versions] = await Promise.all([api(`/prompts/${id}`), api(`/prompts/${id}/versions?limit=200`)]);
  const numbers = versions.data.map((v) => v.version);
  const select = (name, value) => el("select", { name }, ...numbers.map((n) => {
    const o = el("option", { value: String(n) }, "v" + n); if (n === value) o.selected = true; return o; }));
  const out = el("pre", { class: "diff" });
  const editForms = canEdit() ? [
    el("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      try { await api(`/prompts/${id}/versions`, { method: "POST", body: { text: new FormData(e.target).get("text") } }); showPrompt(root, id); } catch (err) { showError(err); }
    } }, el("textarea", { name: "text", rows: "3", placeholder: "New version text" }), el("button", { type: "submit" }, "Add version")),
    el("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      const d = new FormData(e.target);
      try { await api(`/prompts/${id}/labels/${encodeURIComponent(d.get("label"))}`, { method: "PUT", body: { version: Number(d.get("version")) } }); showPrompt(root, id); } catch (err) { showError(err); }
    } }, el("input", { name: "label", placeholder: "label, e.g. production", required: "" }), select("version", prompt.latest_version), el("button", { type: "submit" }, "Move label")),
  ] : [];
  box.hidden = false;
  box.replaceChildren(
    el("h2", {}, `${prompt.name} · v${prompt.latest_version}`),
    el("p", {}, "Labels: " + (Object.entries(prompt.labels).map(([n, v]) => `${n} → v${v}`).join(", ") || "none")),
    el("table", {}, el("tbody", {}, ...versions.data.map((v) => el("tr", {},
      el("td", {}, "v" + v.version), el("td", {}, el("pre", {}, v.text)), el("td", { class: "muted" }, v.negative_prompt || ""),
      el("td", {}, v.variables.join(", ")), el("td", {}, when(v.created_at)))))),
    ...editForms,
    el("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      const d = new FormData(e.target);
      try { const diff = await api(`/prompts/${id}/diff?from=${d.get("from")}&to=${d.get("to")}`); out.textContent = diff.unified || "No text changes. Changed: " + (diff.changed_fields.join(", ") || "nothing"); } catch (err) { showError(err); }
    } }, select("from", Math.max(1, prompt.latest_version - 1)), select("to", prompt.latest_version), el("button", { type: "submit", class: "secondary" }, "Diff")),
    el("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      try {
        const variables = JSON.parse(new FormData(e.target).get("variables") || "{}");
        const r = await api(`/prompts/${id}/render`, { method: "POST", body: { variables } });
        out.textContent = r.text + (r.negative_prompt ? "\n\nNegative: " + r.negative_prompt : "");
      } catch (err) { out.textContent = err.message; }
    } }, el("input", { name: "variables", placeholder: '{"animal": "fox"}' }), el("button", { type: "submit", class: "secondary" }, "Render")),
    out);
}

// Uploads go as multipart so the browser never has to guess a Content-Type; the server reads the bytes.
async function uploadImage(file, role) {
  const form = new FormData();
  if (role) form.append("role", role);
  form.append("name", file.name.slice(0, 200));
  form.append("file", file);
  const res = await fetch("/api/v1/assets", { method: "POST", body: form, headers: { "X-CSRF-Token": state.csrf }, credentials: "same-origin" });
  const data = await res.json();
  if (!res.ok) throw new Error(`${file.name}: ${data.error ? data.error.message : res.statusText}`);
  return data;
}

views.assets = async (root) => {
  const grid = $("#asset-grid", root);
  const load = pager(root, "#asset-more", () => "/assets?limit=48", (items, append) => {
    const cards = items.map((a) => el("figure", { class: "thumb" },
      el("img", { src: a.content_url, alt: a.name || a.id, loading: "lazy" }),
      el("figcaption", {}, el("strong", {}, a.name || a.id.slice(0, 8)),
        el("div", { class: "muted" }, `${a.kind} ${a.width}×${a.height} · ${(a.size_bytes / 1024).toFixed(0)} KiB${a.role ? " · " + a.role : ""}`),
        !canEdit() ? "" : el("button", { class: "danger", onclick: async () => {
          if (!confirm("Delete this image?")) return;
          await api(`/assets/${a.id}`, { method: "DELETE" }).catch(showError);
          load(false).catch(showError);
        } }, "Delete"))));
    if (append) grid.append(...cards); else grid.replaceChildren(...cards);
    if (!append && !items.length) grid.replaceChildren(el("p", { class: "empty" }, "No images yet."));
  });
  async function send(files) {
    for (const file of files) await uploadImage(file, $("#asset-role", root).value).catch(showError);
    load(false).catch(showError);
  }
  const drop = $("#drop", root);
  drop.hidden = !canEdit();
  $("#import-form", root).hidden = !canEdit();
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); send([...e.dataTransfer.files]); };
  $("#asset-file", root).onchange = (e) => send([...e.target.files]);
  $("#import-form", root).onsubmit = async (event) => {
    event.preventDefault();
    const role = $("#asset-role", root).value || undefined;
    try { await api("/assets/import", { method: "POST", body: { url: new FormData(event.target).get("url"), role } }); event.target.reset(); load(false); } catch (err) { showError(err); }
  };
  await load(false);
};

views.seeds = async (root) => {
  const tbody = $("tbody", root);
  const load = pager(root, "#seed-more", () => "/seeds?limit=50", (items, append) => {
    const rows = items.map((s) => el("tr", {},
      el("td", {}, el("code", {}, String(s.value))), el("td", {}, s.model || ""),
      el("td", {}, s.prompt_version_id ? el("code", {}, s.prompt_version_id.slice(0, 8)) : ""),
      el("td", {}, s.note), el("td", {}, when(s.created_at)),
      el("td", {}, !canEdit() ? "" : el("button", { class: "danger", onclick: async () => {
        await api(`/seeds/${s.id}`, { method: "DELETE" }).catch(showError);
        load(false).catch(showError);
      } }, "Forget"))));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    if (!append && !items.length) tbody.replaceChildren(el("tr", {}, el("td", { colspan: "6", class: "empty" }, "No seeds saved yet.")));
  });
  const form = $("#seed-form", root);
  form.hidden = !canEdit();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const d = new FormData(form);
    const body = { value: Number(d.get("value")), note: d.get("note") };
    if (d.get("model")) body.model = d.get("model");
    if (d.get("prompt_version_id")) body.prompt_version_id = d.get("prompt_version_id");
    try { await api("/seeds", { method: "POST", body }); form.reset(); load(false); } catch (err) { showError(err); }
  };
  await load(false);
};
