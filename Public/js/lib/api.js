// Talks to /api/v1 with the session cookie; every change echoes the CSRF token the sign-in returned.
export const session = { me: null, csrf: sessionStorage.getItem("csrf") || "" };

export class ApiError extends Error {
  constructor(message, status, code) { super(message); this.status = status; this.code = code; }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const all = { ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  if (method !== "GET") all["X-CSRF-Token"] = session.csrf;
  const res = await fetch("/api/v1" + path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!res.ok) throw new ApiError(data && data.error ? data.error.message : `${res.status} ${res.statusText}`, res.status, data && data.error && data.error.code);
  return data;
}

/** Every item of a list (following next_cursor up to `max` items); [] when it cannot be read. */
export async function listAll(path, max = 400) {
  const items = [];
  let cursor = null;
  try {
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page = await api(path + (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ""));
      items.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor && items.length < max);
  } catch (_) { /* a list the role cannot read is simply empty */ }
  return items;
}

/** Uploads one image as multipart with progress callbacks; resolves {asset, created}. */
export function uploadImage(file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
    form.append("name", file.name.slice(0, 200));
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/assets");
    xhr.setRequestHeader("X-CSRF-Token", session.csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
      if (xhr.status === 200 || xhr.status === 201) resolve({ asset: data, created: xhr.status === 201 });
      else reject(new ApiError(data && data.error ? data.error.message : `HTTP ${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("The upload was interrupted.", 0));
    xhr.send(form);
  });
}

export const canSpend = () => session.me && session.me.role !== "viewer";
export const isOwner = () => session.me && session.me.role === "owner";
