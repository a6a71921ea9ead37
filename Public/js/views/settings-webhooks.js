// Settings › Webhooks: a team's signed event endpoints. Owners add one (its whsec_ secret is
// shown once), choose its events, switch it on or off, rotate the secret, read the delivery
// log and redeliver; everyone else reads.
import { api, isOwner } from "../lib/api.js";
import { el, field, empty, into, ask, toast, chip } from "../lib/dom.js";
import { when } from "../lib/format.js";

/** The event types the API accepts, read from its own OpenAPI document (one list, in Swift). */
async function eventTypes() {
  const doc = await api("/openapi.json");
  const body = doc.paths["/api/v1/webhook-endpoints"].post.requestBody.content["application/json"].schema;
  return body.properties.events.items.enum;
}

function deliveryLog(box, endpoint) {
  const load = () => into(box, async () => {
    const rows = (await api(`/webhook-endpoints/${endpoint.id}/deliveries?limit=50`)).data;
    const title = el("h3", {}, "Deliveries to " + endpoint.url);
    if (!rows.length) return [title, empty("Nothing sent yet. Events of the chosen types land here.")];
    return [title, el("table", { id: "delivery-table" }, el("thead", {}, el("tr", {}, ...["Event", "Status", "Attempts", "Response", "Latency", "Next attempt", "Created", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows.map((d) => el("tr", { "data-delivery": d.id, "data-status": d.status },
        el("td", {}, d.event_type), el("td", {}, chip(d.status)), el("td", {}, String(d.attempts)),
        el("td", { title: d.last_error || "" }, d.response_status ? "HTTP " + d.response_status : (d.last_error ? "error" : "—")),
        el("td", {}, d.latency_ms === null ? "—" : d.latency_ms + " ms"), el("td", {}, when(d.next_attempt_at)), el("td", {}, when(d.created_at)),
        el("td", {}, isOwner() ? el("button", { type: "button", class: "secondary", "data-redeliver": d.id, onclick: async () => {
          try { await api(`/webhook-endpoints/${endpoint.id}/deliveries/${d.id}/redeliver`, { method: "POST" }); toast("Queued again, same event id."); load(); }
          catch (err) { toast(err.message, "bad"); }
        } }, "Redeliver") : "")))))];
  });
  return load();
}

export async function webhooks(box) {
  const types = await eventTypes().catch(() => []);
  const form = el("form", { class: "filters", id: "webhook-form", autocomplete: "off" },
    field("Endpoint URL (https)", el("input", { name: "url", type: "url", required: true, maxlength: "2048", placeholder: "https://example.com/reelbase-hooks" })),
    field("Description", el("input", { name: "description", maxlength: "500" })),
    el("fieldset", { class: "events" }, el("legend", {}, "Events"),
      ...types.map((t) => el("label", { class: "check" }, el("input", { type: "checkbox", name: "events", value: t, checked: t.startsWith("generation.") }), " " + t))),
    el("button", { type: "submit" }, "Add endpoint"));
  const notice = el("div", { class: "notice", id: "new-webhook", hidden: true });
  const list = el("div");
  const log = el("div", { id: "webhook-deliveries" });
  box.replaceChildren(isOwner() ? form : el("p", { class: "muted small" }, "Only owners add or change webhook endpoints."), notice, list, log);
  const showSecret = (label, secret) => {
    notice.hidden = false;
    notice.replaceChildren(label + " Copy the signing secret now; it is not shown again: ", el("code", { id: "new-webhook-secret" }, secret));
  };
  const act = (label, cls, fn, attrs = {}) => el("button", { type: "button", class: cls, ...attrs, onclick: () => fn().catch((err) => toast(err.message, "bad")) }, label);
  const load = () => into(list, async () => {
    const items = (await api("/webhook-endpoints")).data;
    if (!items.length) return empty("No endpoints. Add one to be told when a video is ready instead of polling.");
    return el("table", { id: "webhook-table" }, el("thead", {}, el("tr", {}, ...["URL", "Events", "Status", "Added", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...items.map((w) => el("tr", { "data-endpoint": w.id },
        el("td", {}, el("code", {}, w.url)), el("td", { class: "small" }, w.events.join(", ")),
        el("td", { class: w.active ? "ok" : "muted" }, w.active ? "active" : "off"), el("td", {}, when(w.created_at)),
        el("td", {}, el("div", { class: "actions" },
          act("Deliveries", "secondary", () => deliveryLog(log, w), { "data-log": w.id }),
          isOwner() && act(w.active ? "Switch off" : "Switch on", "secondary", async () => {
            await api(`/webhook-endpoints/${w.id}`, { method: "PATCH", body: { active: !w.active } });
            load();
          }),
          isOwner() && act("Rotate secret", "secondary", async () => {
            if (!(await ask("Rotate the signing secret? Receivers must switch to the new one.", "Rotate", true))) return;
            showSecret("Secret rotated.", (await api(`/webhook-endpoints/${w.id}/rotate-secret`, { method: "POST" })).secret);
          }),
          isOwner() && act("Delete", "danger", async () => {
            if (!(await ask(`Delete the endpoint ${w.url} and its delivery log?`, "Delete", true))) return;
            await api(`/webhook-endpoints/${w.id}`, { method: "DELETE" });
            log.replaceChildren();
            load();
          })))))));
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = { url: d.get("url"), events: d.getAll("events"), description: d.get("description") || "" };
    try {
      const created = await api("/webhook-endpoints", { method: "POST", body });
      showSecret("Endpoint added.", created.secret);
      form.reset();
      load();
    } catch (err) { toast(err.message, "bad"); }
  });
  await load();
}
