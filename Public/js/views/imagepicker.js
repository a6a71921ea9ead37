// Picks images from the asset library by thumbnail (or takes a file dropped in place, which is
// uploaded first). `multiple` lets several be chosen (reference images), up to `max`.
import { uploadImage } from "../lib/api.js";
import { el, toast } from "../lib/dom.js";

export function imagePicker({ name, label, assets, multiple = false, max = 1, role, campaignId, selected = [] }) {
  const chosen = new Set(selected);
  const strip = el("div", { class: "picker-strip", role: multiple ? "group" : "radiogroup", "aria-label": label });
  const summary = el("span", { class: "small muted" });
  let disabled = false;

  function draw() {
    strip.replaceChildren(...assets.map((a) => {
      const on = chosen.has(a.id);
      return el("button", { type: "button", class: "pick-thumb" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false", disabled,
        "data-asset": a.id, title: a.name || a.id, onclick: () => toggle(a.id) },
        el("img", { src: a.content_url, alt: a.name || "image " + a.id.slice(0, 8), loading: "lazy" }));
    }));
    if (!assets.length) strip.append(el("span", { class: "muted small" }, "No images yet: drop one here or add some on the Assets page."));
    summary.textContent = chosen.size ? `${chosen.size} chosen` : "none";
  }
  function toggle(id) {
    if (chosen.has(id)) chosen.delete(id);
    else {
      if (!multiple) chosen.clear();
      if (chosen.size >= max) { toast(`At most ${max} ${label.toLowerCase()}.`, "bad"); return; }
      chosen.add(id);
    }
    draw();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const box = el("fieldset", { class: "picker", "data-name": name },
    el("legend", {}, label, " ", summary), strip);
  // A file dropped on the picker is uploaded to the library and chosen.
  box.addEventListener("dragover", (e) => { e.preventDefault(); box.classList.add("over"); });
  box.addEventListener("dragleave", () => box.classList.remove("over"));
  box.addEventListener("drop", async (e) => {
    e.preventDefault();
    box.classList.remove("over");
    for (const file of e.dataTransfer.files) {
      try {
        const { asset } = await uploadImage(file, { role, campaign_id: campaignId }, () => {});
        if (!assets.some((a) => a.id === asset.id)) assets.unshift(asset);
        toggle(asset.id);
      } catch (err) { toast(err.message, "bad"); }
    }
  });
  draw();
  return {
    node: box,
    values: () => [...chosen],
    setDisabled(off) { disabled = off; box.classList.toggle("off", off); if (off) chosen.clear(); draw(); },
  };
}
