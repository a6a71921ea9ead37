// Seeds worth keeping ("keepers"): saved from a take's page or by hand.
import { api, canSpend } from "../lib/api.js";
import { el, field, empty, into, toast } from "../lib/dom.js";
import { when, shortId } from "../lib/format.js";

export async function render(root) {
  const form = el("form", { class: "inline", id: "seed-form" },
    field("Seed", el("input", { name: "value", type: "number", min: "0", max: "4294967295", required: true })),
    field("Model", el("input", { name: "model", placeholder: "e.g. veo-3.1" })), field("Why it is a keeper", el("input", { name: "note" })),
    el("button", { type: "submit" }, "Save seed"));
  const box = el("div");
  root.replaceChildren(el("h1", {}, "Seeds"), canSpend() ? form : null, box);
  const load = () => into(box, async () => {
    const items = (await api("/seeds?limit=100")).data;
    if (!items.length) return empty("No keepers yet. Open a take you like and press “Save seed as keeper”.");
    return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Seed"), el("th", {}, "Model"), el("th", {}, "Prompt version"), el("th", {}, "Note"), el("th", {}, "Saved"), el("th", {}, ""))),
      el("tbody", {}, ...items.map((s) => el("tr", {}, el("td", {}, el("code", {}, String(s.value))), el("td", {}, s.model || ""),
        el("td", {}, s.prompt_version_id ? el("code", {}, shortId(s.prompt_version_id)) : ""), el("td", {}, s.note), el("td", {}, when(s.created_at)),
        el("td", {}, canSpend() ? el("button", { type: "button", class: "danger", onclick: async () => {
          try { await api(`/seeds/${s.id}`, { method: "DELETE" }); load(); } catch (err) { toast(err.message, "bad"); }
        } }, "Forget") : "")))));
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { value: Number(d.get("value")), note: d.get("note") };
    if (d.get("model")) body.model = d.get("model");
    try { await api("/seeds", { method: "POST", body }); form.reset(); load(); } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}
