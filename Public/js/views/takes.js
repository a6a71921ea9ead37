// All takes across campaigns, with the standalone Composer.
import { canSpend, listAll } from "../lib/api.js";
import { el } from "../lib/dom.js";
import { mountComposer } from "./composer.js";
import { mountGallery } from "./gallery.js";

export async function render(root) {
  const [models, prompts] = await Promise.all([listAll("/models"), listAll("/prompts?limit=200")]);
  const composerBox = el("div", { id: "composer-box" });
  const galleryBox = el("section", { "aria-label": "Takes" });
  root.replaceChildren(el("h1", {}, "Takes"),
    canSpend() ? el("details", { class: "spaced" }, el("summary", {}, "Compose a take"), composerBox) : null,
    galleryBox);
  const gallery = await mountGallery(galleryBox, { models, prompts });
  if (canSpend()) await mountComposer(composerBox, { onQueued: () => gallery.reload() });
}
