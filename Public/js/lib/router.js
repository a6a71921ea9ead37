// A hash router with parameters: "#campaigns/ID", "#takes/ID", "#compare?ids=a,b".
// Routes are patterns like "campaigns/:id"; the view gets ({id}, URLSearchParams).
const routes = [];

export function route(pattern, view, nav) { routes.push({ parts: pattern.split("/"), view, nav: nav || pattern.split("/")[0] }); }

export function parse(hash) {
  const raw = (hash || "").replace(/^#/, "");
  const [path, search] = raw.split("?");
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { segments, query: new URLSearchParams(search || "") };
}

export function match(hash) {
  const { segments, query } = parse(hash);
  for (const r of routes) {
    if (r.parts.length !== segments.length && !(r.parts[0] === "" && segments.length === 0)) continue;
    const params = {};
    const ok = r.parts.every((part, i) => {
      if (part.startsWith(":")) { params[part.slice(1)] = segments[i]; return true; }
      return part === (segments[i] || "");
    });
    if (ok) return { view: r.view, nav: r.nav, params, query };
  }
  return null;
}

export const go = (hash) => { if (location.hash !== hash) location.hash = hash; };
export const link = (...parts) => "#" + parts.map((p) => encodeURIComponent(p)).join("/");
