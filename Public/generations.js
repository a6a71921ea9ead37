// Reelbase dashboard, Generations view: a form built from the model catalog with a live
// estimate, and the list of generations with status, cost, progress and the videos.
// Uses api/el/$/when/views/state from app.js.
"use strict";

const FINAL_STATES = ["succeeded", "failed", "expired", "cancelled"];
const usd = (v) => (v === null || v === undefined ? "—" : "$" + Number(v).toFixed(2));

// Fills a <select> with [value, text] pairs, keeping the current choice when it is still offered.
function fillSelect(select, pairs, preferred) {
  const keep = preferred !== undefined ? String(preferred) : select.value;
  select.replaceChildren(...pairs.map(([value, text]) => el("option", { value: String(value) }, text)));
  if (pairs.some(([value]) => String(value) === keep)) select.value = keep;
}

async function listAll(path) {
  try { return (await api(path)).data; } catch (_) { return []; }
}

views.generations = async (root) => {
  const form = $("#gen-form", root);
  const estimate = $("#gen-estimate", root);
  const [models, campaigns, prompts, firsts, lasts] = await Promise.all([
    listAll("/models"), listAll("/campaigns?limit=200"), listAll("/prompts?limit=200"),
    listAll("/assets?role=first_frame&limit=200"), listAll("/assets?role=last_frame&limit=200")]);
  const byID = Object.fromEntries(models.map((m) => [m.model.id, m.model]));

  fillSelect(form.model, models.map((m) => [m.model.id, `${m.model.id}  (${usd(m.estimate_min_usd)}–${usd(m.estimate_max_usd)})`]));
  fillSelect(form.campaign_id, [["", "no campaign"], ...campaigns.map((c) => [c.id, c.name])]);
  fillSelect(form.prompt_id, [["", "— write a prompt below —"], ...prompts.map((p) => [p.id, `${p.name} (v${p.latest_version})`])]);
  const assetName = (a) => a.name || `${a.width}×${a.height} ${a.id.slice(0, 8)}`;
  fillSelect(form.first_frame_asset_id, [["", "none"], ...firsts.map((a) => [a.id, assetName(a)])]);
  fillSelect(form.last_frame_asset_id, [["", "none"], ...lasts.map((a) => [a.id, assetName(a)])]);

  // The parameter selects offer exactly what the chosen model allows.
  function applyModel() {
    const model = byID[form.model.value];
    if (!model) return;
    fillSelect(form.duration, model.durations.map((d) => [d, d + " s"]), model.defaults.duration);
    fillSelect(form.resolution, model.resolutions.map((r) => [r, r]), model.defaults.resolution);
    fillSelect(form.aspect_ratio, model.aspectRatios.map((a) => [a, a]), model.defaults.aspect_ratio);
    form.generate_audio.disabled = !model.supportsAudio;
    form.seed.disabled = !model.supportsSeed;
    form.first_frame_asset_id.disabled = !model.imageInputs.firstFrame;
    form.last_frame_asset_id.disabled = !model.imageInputs.lastFrame;
  }

  function body() {
    const data = new FormData(form);
    const base = { model: data.get("model") };
    if (data.get("prompt_id")) base.prompt_id = data.get("prompt_id"); else base.prompt = data.get("prompt") || "";
    for (const field of ["resolution", "aspect_ratio", "campaign_id", "first_frame_asset_id", "last_frame_asset_id"]) {
      if (data.get(field)) base[field] = data.get(field);
    }
    if (data.get("duration")) base.duration = Number(data.get("duration"));
    if (data.get("generate_audio") !== null) base.generate_audio = data.get("generate_audio") === "true";
    if (data.get("seed")) base.seed = Number(data.get("seed"));
    return base;
  }

  // The estimate comes from the server's own planner (a dry-run batch), so it matches what is reserved.
  let estimateTimer = null;
  function refreshEstimate() {
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(async () => {
      const base = body();
      if (!base.prompt_id && !base.prompt.trim()) { estimate.textContent = "Write a prompt or pick a stored one to see the estimate."; return; }
      try {
        const dry = await api("/generations/batch?dry_run=true", { method: "POST", body: { base } });
        estimate.className = "estimate";
        estimate.textContent = `Estimated cost: ${usd(dry.total_estimate_usd)} (reserved from the budget when queued)`;
      } catch (err) {
        estimate.className = "estimate bad";
        estimate.textContent = err.message;
      }
    }, 250);
  }

  form.model.onchange = () => { applyModel(); refreshEstimate(); };
  form.oninput = refreshEstimate;
  form.prompt_id.onchange = () => { form.prompt.disabled = !!form.prompt_id.value; refreshEstimate(); };
  form.hidden = state.me.role === "viewer";
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      const queued = await api("/generations", { method: "POST", body: body() });
      estimate.className = "estimate ok";
      estimate.textContent = `Queued ${queued.id.slice(0, 8).toLowerCase()} (estimate ${usd(queued.estimated_cost_usd)}).`;
      refresh();
    } catch (err) { showError(err); }
  };
  applyModel();
  refreshEstimate();

  // The list: rows keyed by id and redrawn only when they change, so a playing video keeps playing.
  const tbody = $("#gen-table tbody", root);
  const drawn = new Map();
  let timer = null;

  function progress(g) {
    if (g.status === "queued") return el("span", { class: "muted" }, "waiting for a worker");
    if (g.status === "submit_unknown") return el("span", { class: "bad" }, "The provider may have billed it; nothing was resubmitted.");
    if (!["submitting", "submitted", "cancel_requested"].includes(g.status)) return "";
    const model = byID[g.model];
    const started = new Date(g.submitted_at || g.created_at).getTime();
    const elapsed = Math.max(0, (Date.now() - started) / 1000);
    const typical = model ? model.typicalDurationSeconds : 90;
    return el("span", { class: "progress-line" }, el("progress", { max: "100", value: String(Math.min(95, Math.round(100 * elapsed / typical))) }),
      ` ${Math.round(elapsed)} s of ~${typical} s`);
  }

  function actions(g) {
    if (state.me.role === "viewer") return "";
    const buttons = [];
    if (["queued", "submitting", "submitted"].includes(g.status)) {
      buttons.push(el("button", { class: "secondary", onclick: async () => {
        if (g.status !== "queued" && !confirm("It is already at the provider, which cannot cancel: it will still be billed. Cancel anyway?")) return;
        await api(`/generations/${g.id}/cancel`, { method: "POST" }).catch(showError);
        refresh();
      } }, "Cancel"));
    }
    if (g.status === "submit_unknown") {
      buttons.push(el("button", { class: "danger", onclick: async () => {
        const ok = confirm("The provider may already have run (and billed) this generation: we lost the answer. " +
          "Retrying submits it again and may CHARGE TWICE. Retry anyway?");
        if (!ok) return;
        await api(`/generations/${g.id}/retry`, { method: "POST", body: { confirm_double_charge: true } }).catch(showError);
        refresh();
      } }, "Retry (may charge twice)"));
    }
    return el("span", { class: "actions" }, ...buttons);
  }

  function row(g) {
    const cost = g.cost_usd !== undefined && g.cost_usd !== null
      ? el("span", {}, usd(g.cost_usd), g.cost_is_estimate ? el("span", { class: "muted" }, " est.") : "")
      : el("span", { class: "muted" }, "~" + usd(g.estimated_cost_usd));
    const problem = g.error ? el("div", { class: "bad small" }, `${g.error.kind}: ${g.error.message || ""}`) : "";
    const video = g.status === "succeeded"
      ? el("video", { controls: "", preload: "metadata", src: `/api/v1/generations/${g.id}/video`, width: "240" })
      : progress(g);
    return el("tr", { "data-id": g.id, "data-status": g.status },
      el("td", {}, el("span", { class: "badge s-" + g.status }, g.status.replace("_", " "))),
      el("td", {}, g.model, el("div", { class: "muted small" }, [g.params.duration && g.params.duration + " s", g.params.resolution, g.params.aspect_ratio].filter(Boolean).join(" · "))),
      el("td", { class: "prompt-cell" }, g.prompt_text.slice(0, 160), problem),
      el("td", {}, cost), el("td", {}, when(g.created_at)), el("td", { class: "video-cell" }, video), el("td", {}, actions(g)));
  }

  async function refresh() {
    clearTimeout(timer);
    if (!tbody.isConnected) return;
    const page = await api("/generations?limit=25");
    const rows = page.data.map((g) => {
      const signature = `${g.status}|${g.cost_usd}|${g.attempt}`;
      const old = drawn.get(g.id);
      if (old && old.signature === signature && FINAL_STATES.includes(g.status)) return old.tr;
      const tr = row(g);
      drawn.set(g.id, { signature, tr });
      return tr;
    });
    tbody.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "7", class: "empty" }, "No generations yet."))]));
    // Refresh every few seconds while anything is still on its way.
    if (page.data.some((g) => !FINAL_STATES.includes(g.status))) timer = setTimeout(() => refresh().catch(showError), 3000);
  }
  await refresh();
};
