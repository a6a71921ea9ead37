// The Spend page's reconciliation section: the last run per Segmind account against the
// provider's own books, its totals and every line that does not match; owners can ask for a run.
import { api, isOwner } from "../lib/api.js";
import { el, empty, into, toast } from "../lib/dom.js";
import { usd } from "../lib/format.js";
import { link } from "../lib/router.js";

const KIND = { cost_mismatch: "cost mismatch", not_booked: "billed by the provider, not booked", unknown_to_provider: "booked, unknown to the provider" };
const when = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "—");

export function reconciliationSection() {
  const box = el("div", { id: "reconciliation" });
  const button = el("button", { type: "button", class: "secondary", id: "reconcile-now" }, "Reconcile the last 24 hours");
  const section = el("section", {}, el("h2", { class: "section" }, "Provider's books (Segmind request history)"), isOwner() ? button : null, box);
  const load = () => into(box, async () => {
    const runs = (await api("/reconciliations?limit=100")).data;
    const last = new Map();
    for (const run of runs) if (!last.has(run.account_key)) last.set(run.account_key, run);
    if (!last.size) return empty("No reconciliation yet: one runs each day for every Segmind account of the team.");
    const details = await Promise.all([...last.values()].map((run) => api(`/reconciliations/${run.id}`)));
    return el("div", {}, ...details.map(runView));
  });
  button.addEventListener("click", async () => {
    try { await api("/reconciliations", { method: "POST", body: {} }); toast("Reconciliation queued."); setTimeout(load, 1500); } catch (err) { toast(err.message, "bad"); }
  });
  return { section, load };
}

function runView(run) {
  const t = run.totals;
  const mismatches = run.lines.filter((l) => l.kind !== "matched");
  const account = run.account_id ? `Account ${run.account_id.slice(0, 8)}` : "The instance's shared Segmind account (your takes only)";
  const head = el("p", { class: "run-summary" }, `${account} · ${when(run.from)} to ${when(run.to)} · ${run.state}`
    + (run.state === "succeeded" ? ` · ${t.matched} matched, ${t.cost_mismatch + t.not_booked + t.unknown_to_provider} not · booked ${usd(t.ledger_usd)}, provider ${usd(t.provider_usd)}` : "")
    + (run.error ? ` · ${run.error}` : ""));
  if (run.state !== "succeeded") return el("div", { class: "card" }, head);
  if (!mismatches.length) return el("div", { class: "card" }, head, el("p", { class: "good" }, "Every request matches."));
  return el("div", { class: "card" }, head, el("table", { class: "reconciliation-lines" },
    el("thead", {}, el("tr", {}, ...["What", "Request", "Generation", "Booked", "Provider charged", "At"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...mismatches.map((l) => el("tr", { class: "bad" }, el("td", {}, KIND[l.kind] || l.kind), el("td", {}, l.request_id || "—"),
      el("td", {}, l.generation_id ? el("a", { href: link("takes", l.generation_id) }, l.generation_id.slice(0, 8)) : "—"),
      el("td", {}, usd(l.ledger_usd)), el("td", {}, usd(l.provider_usd)), el("td", {}, when(l.requested_at)))))));
}
