// The image library: drop several files (a progress bar each, a notice for a file already in
// the library), import from a URL, filter by role, tag and campaign.
import { api, canSpend, listAll, uploadImage } from "../lib/api.js";
import { el, field, fillSelect, empty, into, ask, toast } from "../lib/dom.js";
import { when } from "../lib/format.js";

const ROLES = [["", "no role"], ["reference", "reference"], ["first_frame", "first frame"], ["last_frame", "last frame"]];

export async function render(root) {
  const campaigns = await listAll("/campaigns?limit=200");
  const role = el("select", { name: "role" });
  const campaign = el("select", { name: "campaign_id" });
  fillSelect(role, ROLES);
  fillSelect(campaign, [["", "no campaign"], ...campaigns.map((c) => [c.id, c.name])]);
  const fileInput = el("input", { type: "file", id: "asset-file", accept: "image/png,image/jpeg,image/webp", multiple: true, class: "visually-hidden" });
  const uploads = el("ul", { class: "uploads", id: "uploads", "aria-live": "polite" });
  const drop = el("div", { class: "drop", id: "drop", tabindex: "0", role: "region", "aria-label": "Drop images here" },
    el("p", {}, "Drop PNG, JPEG or WebP images here, or ", el("label", { class: "link", for: "asset-file" }, "choose files"), fileInput),
    el("div", { class: "fields" }, field("Role for new images", role), field("Campaign for new images", campaign)));
  const importForm = el("form", { class: "inline", id: "import-form" },
    field("Import from URL", el("input", { name: "url", type: "url", placeholder: "https://example.com/image.png", required: true })),
    el("button", { type: "submit", class: "secondary" }, "Import"));
  const filters = el("form", { class: "filters", id: "asset-filters", "aria-label": "Filter images" },
    field("Role", el("select", { name: "role" })), field("Tag", el("input", { name: "tag" })), field("Campaign", el("select", { name: "campaign_id" })),
    el("button", { type: "submit", class: "secondary" }, "Filter"));
  fillSelect(filters.role, [["", "any"], ...ROLES.slice(1)]);
  fillSelect(filters.campaign_id, [["", "any"], ...campaigns.map((c) => [c.id, c.name])]);
  const grid = el("div", { class: "thumbs", id: "asset-grid" });
  root.replaceChildren(el("h1", {}, "Assets"), canSpend() ? drop : null, canSpend() ? uploads : null, canSpend() ? importForm : null, filters, grid);

  const load = () => into(grid, async () => {
    const q = new URLSearchParams(new FormData(filters));
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    const items = await listAll("/assets?limit=100&" + q.toString(), 200);
    if (!items.length) return empty("No images here yet. Drop some above, or import one from a URL.");
    return items.map((a) => el("figure", { class: "thumb", "data-id": a.id },
      el("img", { src: a.content_url, alt: a.name || a.id, loading: "lazy" }),
      el("figcaption", {}, el("strong", {}, a.name || a.id.slice(0, 8)),
        el("span", { class: "muted small" }, `${a.kind} ${a.width}×${a.height} · ${(a.size_bytes / 1024).toFixed(0)} KiB${a.role ? " · " + a.role.replace("_", " ") : ""}`),
        a.tags.length ? el("span", { class: "small" }, a.tags.join(", ")) : null,
        el("span", { class: "muted small" }, when(a.created_at)),
        canSpend() ? el("button", { type: "button", class: "danger small", onclick: async () => {
          if (!(await ask("Delete this image? Takes that used it keep their record.", "Delete", true))) return;
          try { await api(`/assets/${a.id}`, { method: "DELETE" }); load(); } catch (err) { toast(err.message, "bad"); }
        } }, "Delete") : null)));
  });

  async function send(files) {
    await Promise.all([...files].map(async (file) => {
      const bar = el("progress", { max: "100", value: "0", "aria-label": `upload of ${file.name}` });
      const note = el("span", { class: "small" }, "uploading…");
      const item = el("li", { "data-file": file.name }, el("span", { class: "name" }, file.name), bar, note);
      uploads.append(item);
      try {
        const { created } = await uploadImage(file, { role: role.value, campaign_id: campaign.value }, (part) => { bar.value = Math.round(part * 100); });
        bar.value = 100;
        item.dataset.result = created ? "added" : "duplicate";
        note.textContent = created ? "added" : "already in the library (nothing stored twice)";
      } catch (err) {
        item.dataset.result = "error";
        note.className = "small bad";
        note.textContent = err.message;
      }
    }));
    load();
  }
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); send(e.dataTransfer.files); });
  fileInput.addEventListener("change", () => send(fileInput.files));
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("/assets/import", { method: "POST", body: { url: importForm.url.value, role: role.value || undefined, campaign_id: campaign.value || undefined } });
      importForm.reset();
      toast("Imported.");
      load();
    } catch (err) { toast(err.message, "bad"); }
  });
  filters.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  await load();
}
