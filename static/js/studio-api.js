// The workshops API as the studio's pages use it (docs/protocol.md): JSON in and out, the
// home's admin cookie for authority, and every failure turned into words a person can act on.

/** A failed call: `message` says what happened and what to do; `body` is the kiosk's answer. */
export class ApiError extends Error {
  constructor(message, status, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const SIGNED_OUT =
  "Your sign-in has ended (12 hours passed, or the admin key changed). Open the facilitator home in another tab, sign in, and try again: nothing here is lost.";
const OFFLINE = "The kiosk did not answer: check that it is running and that this computer is on its network, then try again. Your draft is kept in this browser.";

/**
 * Call the kiosk: `request("PUT", "/api/workshops/x", body)`. Resolves to the parsed JSON (or
 * null for 204); rejects with an ApiError whose message is worded for the page. `headers`
 * are sent besides (`If-Match`).
 */
export async function request(method, url, body = undefined, { yaml = false, headers: extra = {} } = {}) {
  const headers = { Accept: "application/json", ...extra };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = yaml ? "application/yaml" : "application/json";
    payload = yaml ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(OFFLINE, 0);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return data;
  if (response.status === 401) throw new ApiError(SIGNED_OUT, 401, data);
  const said = data && data.error ? data.error : `the kiosk answered ${response.status}`;
  throw new ApiError(said, response.status, data);
}

/** "m:ss" (or "h:mm:ss") of a number of seconds; "—" for none. */
export function duration(seconds) {
  if (!seconds) return "—";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The localStorage key of a workshop's draft ("" is a new workshop). */
export function draftKey(id) {
  return `attune.studio.draft.${id || "+new"}`;
}

/** A workshop as the API gives it, less what the kiosk adds to it (not part of a draft). */
export function stripServerFields(workshop) {
  const copy = { ...workshop };
  delete copy.builtin;
  delete copy.updated_at;
  delete copy.version;
  return copy;
}
