// The Composer: a form built from GET /models (only allowed values can be chosen), a stored
// prompt (version or label, a field per {{variable}}) or free text, every parameter the model
// takes, images by thumbnail, seed random / fixed / keeper / sweep, variants, and the server's
// dry-run estimate with the budget left after it, shown before anything is queued.
import { api, listAll } from "../lib/api.js";
import { el, fillSelect, field, toast } from "../lib/dom.js";
import { usd } from "../lib/format.js";
import { imagePicker } from "./imagepicker.js";

export async function mountComposer(box, { campaignId = null, prefill = null, onQueued = () => {} } = {}) {
  const [models, prompts, assets, keepers, campaigns] = await Promise.all([
    listAll("/models"), listAll("/prompts?limit=200"), listAll("/assets?limit=200"), listAll("/seeds?limit=200"),
    campaignId ? Promise.resolve([]) : listAll("/campaigns?limit=200")]);
  const byID = Object.fromEntries(models.map((m) => [m.model.id, m.model]));
  const p = prefill ? prefill.params || {} : {};
  const f = el("form", { class: "composer card", id: "composer", "aria-label": "Compose a take" });
  const variables = el("div", { class: "fields", id: "prompt-variables" });
  const versionBoxes = el("div", { class: "checks", id: "version-choices" });
  const durationVariants = el("div", { class: "checks", id: "duration-variants" });
  const estimate = el("p", { class: "estimate", id: "estimate", role: "status" }, "…");
  const submit = el("button", { type: "submit", id: "queue" }, "Queue");
  const assetsFor = (role) => assets.filter((a) => !role || !a.role || a.role === role);
  const firstSel = (role) => (prefill && prefill.assets ? prefill.assets.filter((a) => a.role === role).map((a) => a.asset_id) : []);
  const first = imagePicker({ name: "first_frame", label: "First frame", assets: assetsFor("first_frame"), role: "first_frame", campaignId, selected: firstSel("first_frame") });
  const last = imagePicker({ name: "last_frame", label: "Last frame", assets: assetsFor("last_frame"), role: "last_frame", campaignId, selected: firstSel("last_frame") });
  const refs = imagePicker({ name: "reference", label: "Reference images", assets: assetsFor("reference"), multiple: true, max: 3, role: "reference", campaignId, selected: firstSel("reference") });

  f.append(
    el("div", { class: "fields" },
      campaignId ? null : field("Campaign", el("select", { name: "campaign_id" })),
      field("Model", el("select", { name: "model", required: true })),
      field("Prompt from", el("select", { name: "source" }))),
    el("div", { class: "fields", "data-when": "stored" },
      field("Stored prompt", el("select", { name: "prompt_id" }), "wide"),
      field("Version or label", el("select", { name: "version" }))),
    el("div", { "data-when": "stored" }, el("p", { class: "small muted" }, "Run several versions at once:"), versionBoxes, variables),
    el("div", { "data-when": "free" }, field("Prompt", el("textarea", { name: "prompt", rows: "3", maxlength: "4000", placeholder: "A slow dolly shot through a neon-lit night market, rain on the lens" }))),
    el("div", { class: "fields" },
      field("Duration", el("select", { name: "duration" })), field("Resolution", el("select", { name: "resolution" })),
      field("Aspect ratio", el("select", { name: "aspect_ratio" })), field("Audio", el("select", { name: "generate_audio" })),
      field("Frames per second", el("select", { name: "fps" })), field("People", el("select", { name: "person_generation" }))),
    field("Negative prompt", el("input", { name: "negative_prompt", maxlength: "2000", placeholder: "what to keep out, e.g. text, watermark" })),
    el("div", {}, el("p", { class: "small muted" }, "Variants: also make the same take at these durations"), durationVariants),
    first.node, last.node, refs.node,
    el("div", { class: "fields" },
      field("Seed", el("select", { name: "seed_mode" })),
      field("Seed value", el("input", { name: "seed", type: "number", min: "0", max: "4294967295", inputmode: "numeric" })),
      field("Keeper", el("select", { name: "seed_id" })),
      field("Sweep: number of seeds", el("input", { name: "sweep", type: "number", min: "2", max: "20", value: "3" }))),
    estimate, submit);
  box.replaceChildren(f);

  if (!campaignId) fillSelect(f.campaign_id, [["", "no campaign"], ...campaigns.map((c) => [c.id, c.name])], prefill && prefill.campaign_id);
  fillSelect(f.model, models.map((m) => [m.model.id, `${m.model.displayName || m.model.id} (${usd(m.estimate_min_usd)}–${usd(m.estimate_max_usd)})`]), prefill && prefill.model);
  fillSelect(f.source, [["free", "free text"], ["stored", "a stored prompt"]], prefill && prefill.prompt_id ? "stored" : "free");
  fillSelect(f.prompt_id, prompts.map((x) => [x.id, `${x.name} (v${x.latest_version})`]), prefill && prefill.prompt_id);
  fillSelect(f.seed_mode, [["random", "random"], ["fixed", "fixed"], ["keeper", "a saved keeper"], ["sweep", "sweep of N seeds"]], prefill && (prefill.provider_seed ?? prefill.seed ?? null) !== null ? "fixed" : "random");
  fillSelect(f.seed_id, keepers.map((s) => [s.id, `${s.value}${s.note ? " — " + s.note : ""}`]));
  if (prefill) { f.prompt.value = prefill.prompt_text; if (prefill.negative_prompt) f.negative_prompt.value = prefill.negative_prompt; if ((prefill.provider_seed ?? prefill.seed ?? null) !== null) f.seed.value = prefill.provider_seed ?? prefill.seed; }

  let versions = [];
  async function loadPrompt() {
    if (!f.prompt_id.value) { versions = []; return; }
    versions = (await api(`/prompts/${f.prompt_id.value}/versions?limit=200`)).data;
    const prompt = prompts.find((x) => x.id === f.prompt_id.value);
    const labels = Object.entries(prompt ? prompt.labels : {}).map(([n, v]) => ["label:" + n, `${n} (v${v})`]);
    const wanted = prefill && prefill.prompt_version_id ? versions.find((v) => v.id === prefill.prompt_version_id) : null;
    fillSelect(f.version, [...versions.map((v) => [String(v.version), "v" + v.version]), ...labels], wanted ? wanted.version : prompt && prompt.latest_version);
    versionBoxes.replaceChildren(...versions.map((v) => el("label", { class: "check" }, el("input", { type: "checkbox", name: "also_version", value: String(v.version) }), "v" + v.version)));
    drawVariables();
  }
  function chosenVersion() {
    const v = f.version.value;
    if (v.startsWith("label:")) { const prompt = prompts.find((x) => x.id === f.prompt_id.value); return versions.find((x) => x.version === prompt.labels[v.slice(6)]); }
    return versions.find((x) => String(x.version) === v);
  }
  function drawVariables() {
    const version = chosenVersion();
    const names = version ? version.variables : [];
    const old = Object.fromEntries([...variables.querySelectorAll("input")].map((i) => [i.name, i.value]));
    variables.replaceChildren(...names.map((n) => field(`{{${n}}}`, el("input", { name: "var:" + n, value: old["var:" + n] || "", required: true }))));
  }

  function applyModel() {
    const m = byID[f.model.value];
    if (!m) return;
    fillSelect(f.duration, m.durations.map((d) => [d, d + " s"]), p.duration ?? m.defaults.duration);
    fillSelect(f.resolution, m.resolutions.map((r) => [r, r]), p.resolution ?? m.defaults.resolution);
    fillSelect(f.aspect_ratio, m.aspectRatios.map((a) => [a, a]), p.aspect_ratio ?? m.defaults.aspect_ratio);
    fillSelect(f.generate_audio, m.supportsAudio ? [["true", "on"], ["false", "off"]] : [["false", "not offered"]], String(p.generate_audio ?? m.defaults.generate_audio));
    fillSelect(f.fps, m.fpsOptions.length ? m.fpsOptions.map((x) => [x, x + " fps"]) : [["", "model default"]], p.fps);
    fillSelect(f.person_generation, m.personGenerationOptions.length ? m.personGenerationOptions.map((x) => [x, x.replace("_", " ")]) : [["", "model default"]], p.person_generation);
    f.generate_audio.disabled = !m.supportsAudio;
    f.fps.disabled = !m.fpsOptions.length;
    f.person_generation.disabled = !m.personGenerationOptions.length;
    f.negative_prompt.disabled = !m.supportsNegativePrompt;
    f.seed_mode.disabled = !m.supportsSeed;
    first.setDisabled(!m.imageInputs.firstFrame);
    last.setDisabled(!m.imageInputs.lastFrame);
    refs.setDisabled(!m.imageInputs.referenceImages);
    durationVariants.replaceChildren(...m.durations.map((d) => el("label", { class: "check" }, el("input", { type: "checkbox", name: "also_duration", value: String(d) }), d + " s")));
    showModes();
  }
  function showModes() {
    const stored = f.source.value === "stored";
    box.querySelectorAll("[data-when=stored]").forEach((n) => { n.hidden = !stored; });
    box.querySelectorAll("[data-when=free]").forEach((n) => { n.hidden = stored; });
    const mode = f.seed_mode.disabled ? "random" : f.seed_mode.value;
    f.seed.closest("label").hidden = mode !== "fixed" && mode !== "sweep";
    f.seed.placeholder = mode === "sweep" ? "first seed (random when empty)" : "";
    f.seed_id.closest("label").hidden = mode !== "keeper";
    f.sweep.closest("label").hidden = mode !== "sweep";
  }

  /** The batch request: base input, prompt versions, seeds, variants. */
  function request() {
    const d = new FormData(f);
    const m = byID[d.get("model")];
    const base = { model: d.get("model") };
    const campaign = campaignId || d.get("campaign_id");
    if (campaign) base.campaign_id = campaign;
    const body = { base };
    if (d.get("source") === "stored" && d.get("prompt_id")) {
      base.prompt_id = d.get("prompt_id");
      const v = d.get("version") || "";
      if (v.startsWith("label:")) base.label = v.slice(6); else if (v) base.version = Number(v);
      const vars = {};
      for (const [k, value] of d.entries()) if (k.startsWith("var:")) vars[k.slice(4)] = value;
      if (Object.keys(vars).length) base.variables = vars;
      const also = d.getAll("also_version").map(Number);
      if (also.length) body.prompt_versions = [...new Set([...(base.version ? [base.version] : []), ...also])];
    } else base.prompt = d.get("prompt") || "";
    base.duration = Number(d.get("duration"));
    base.resolution = d.get("resolution");
    base.aspect_ratio = d.get("aspect_ratio");
    if (m && m.supportsAudio) base.generate_audio = d.get("generate_audio") === "true";
    if (d.get("fps")) base.fps = Number(d.get("fps"));
    if (d.get("person_generation")) base.person_generation = d.get("person_generation");
    if (d.get("negative_prompt")) base.negative_prompt = d.get("negative_prompt");
    const [ff, lf, rf] = [first.values(), last.values(), refs.values()];
    if (ff.length) base.first_frame_asset_id = ff[0];
    if (lf.length) base.last_frame_asset_id = lf[0];
    if (rf.length) base.reference_asset_ids = rf;
    const mode = m && m.supportsSeed ? d.get("seed_mode") : "random";
    if (mode === "fixed" && d.get("seed") !== "") base.seed = Number(d.get("seed"));
    if (mode === "keeper" && d.get("seed_id")) base.seed_id = d.get("seed_id");
    if (mode === "sweep") {
      const n = Math.max(2, Math.min(20, Number(d.get("sweep")) || 3));
      const start = d.get("seed") !== "" ? Number(d.get("seed")) : Math.floor(Math.random() * 4e9);
      body.seeds = Array.from({ length: n }, (_, i) => (start + i) % 4294967296);
    }
    const durations = d.getAll("also_duration").map(Number).filter((x) => x !== base.duration);
    if (durations.length) body.variants = [{ duration: base.duration }, ...durations.map((x) => ({ duration: x }))];
    return body;
  }

  async function budgetLeft(total) {
    const parts = [];
    try {
      const team = await api("/team");
      if (team.available_usd !== undefined) parts.push(`team budget left after: ${usd(Number(team.available_usd) - total)}`);
      const cid = campaignId || f.campaign_id && f.campaign_id.value;
      if (cid) {
        const c = await api(`/campaigns/${cid}`);
        if (c.budget_usd !== undefined && c.budget_usd !== null) parts.push(`campaign budget left after: ${usd(Number(c.budget_usd) - Number(c.spent_usd) - Number(c.reserved_usd) - total)}`);
      }
    } catch (_) { /* figures the role cannot read are left out */ }
    return parts.length ? parts.join(" · ") : "no budget limit";
  }

  // The estimate is the server's dry run, so it matches what queueing reserves.
  let timer = null;
  let ready = false;
  function refresh() {
    ready = false;
    submit.disabled = true;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = request();
      if (!body.base.prompt_id && !(body.base.prompt || "").trim()) { estimate.className = "estimate muted"; estimate.textContent = "Write a prompt or pick a stored one to see the estimate."; return; }
      const missing = body.base.prompt_id ? [...variables.querySelectorAll("input")].filter((i) => !i.value.trim()) : [];
      if (missing.length) { estimate.className = "estimate muted"; estimate.textContent = `Fill in ${missing[0].name.slice(4)} to see the estimate.`; return; }
      try {
        const dry = await api("/generations/batch?dry_run=true", { method: "POST", body });
        estimate.className = "estimate ok";
        estimate.dataset.count = dry.count;
        estimate.textContent = `${dry.count} take${dry.count === 1 ? "" : "s"} · estimated ${usd(dry.total_estimate_usd)} · ${await budgetLeft(Number(dry.total_estimate_usd))}`;
        submit.textContent = `Queue ${dry.count} take${dry.count === 1 ? "" : "s"}`;
        ready = true;
        submit.disabled = false;
      } catch (err) {
        estimate.className = "estimate bad";
        estimate.textContent = err.message;
      }
    }, 300);
  }

  f.model.addEventListener("change", () => { applyModel(); refresh(); });
  f.source.addEventListener("change", () => { showModes(); refresh(); });
  f.prompt_id.addEventListener("change", async () => { await loadPrompt(); refresh(); });
  f.version.addEventListener("change", () => { drawVariables(); refresh(); });
  f.seed_mode.addEventListener("change", () => { showModes(); refresh(); });
  f.addEventListener("input", refresh);
  f.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!ready) return;
    submit.disabled = true;
    try {
      const queued = await api("/generations/batch", { method: "POST", body: request() });
      toast(`Queued ${queued.count} take${queued.count === 1 ? "" : "s"} (estimate ${usd(queued.total_estimate_usd)}).`);
      onQueued(queued.generations || []);
    } catch (err) { toast(err.message, "bad"); }
    submit.disabled = false;
  });
  await loadPrompt();
  applyModel();
  refresh();
  return { node: f };
}

