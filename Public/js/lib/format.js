// Numbers, dates and states in plain words.
export const usd = (v) => (v === null || v === undefined ? "—" : "$" + Number(v).toFixed(2));
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
export const day = (iso) => (iso ? new Date(iso).toISOString().slice(0, 10) : "");
export const shortId = (id) => (id ? id.slice(0, 8).toLowerCase() : "");
export const FINAL = ["succeeded", "failed", "expired", "cancelled"];
export const isFinal = (status) => FINAL.includes(status);

export function seconds(s) {
  if (s === undefined || s === null || Number.isNaN(s)) return "—";
  return s < 60 ? `${Number(s).toFixed(s < 10 ? 1 : 0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The cost of a take, saying whether the provider reported it or it is our estimate. */
export function costText(g) {
  if (g.cost_usd !== undefined && g.cost_usd !== null) return `${usd(g.cost_usd)} ${g.cost_is_estimate ? "(estimated: the provider gave no figure)" : "(reported by the provider)"}`;
  return `~${usd(g.estimated_cost_usd)} (estimate, not yet booked)`;
}

const PLAIN = {
  failed: "The provider refused or could not make this video.",
  expired: "The provider deleted the video before it could be archived.",
  submit_unknown: "We sent it to the provider but never heard back, so it may already be made (and billed).",
  cancelled: "Cancelled before the provider started.",
  cancel_requested: "Cancel asked; the provider is still working and will still bill it.",
  queued: "Waiting for a worker.",
  submitting: "Being sent to the provider.",
  submitted: "The provider is making it.",
  succeeded: "Done and archived.",
};
export const plainState = (status) => PLAIN[status] || status;

export function plainError(err) {
  if (!err) return "";
  const kinds = {
    rate_limited: "The provider said we asked too often; it will be tried again.",
    insufficient_credits: "The provider account has too few credits.",
    auth: "The provider refused the account's key.",
    invalid: "The provider refused the request's parameters.",
    content_policy: "The provider's content policy refused this prompt or image.",
    ambiguous: "We lost the provider's answer.",
    needs_person: "The provider's request history could not settle it; a person decides.",
    transient: "A temporary problem at the provider.",
  };
  return `${kinds[err.kind] || err.kind}${err.message ? " — " + err.message : ""}`;
}

export const params = (g) => g.params || {};
export const paramLine = (g) => {
  const p = params(g);
  return [p.duration && p.duration + " s", p.resolution, p.aspect_ratio, p.generate_audio === false ? "no audio" : null].filter(Boolean).join(" · ");
};
