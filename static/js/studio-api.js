// The workshops API as the studio's pages use it (docs/protocol.md): JSON in and out, the
// home's admin cookie for authority, and every failure turned into words a person can act on,
// in the page's language (the kiosk's answers carry their message as a key, `say`).

import { _, formatNumber, locale, say } from "./i18n.js";

/** A failed call: `message` says what happened and what to do; `body` is the kiosk's answer. */
export class ApiError extends Error {
  constructor(message, status, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }
}


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
    throw new ApiError(_("The kiosk did not answer: check that it is running and that this computer is on its network, then try again. Your draft is kept in this browser."), 0);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return data;
  if (response.status === 401) {
    throw new ApiError(_("Your sign-in has ended (12 hours passed, or the admin key changed). Open the facilitator home in another tab, sign in, and try again: nothing here is lost."), 401, data);
  }
  // The kiosk's words as a key when it gives one, else its English text (an older kiosk).
  const said = data && (data.message || data.error);
  throw new ApiError(said ? say(said) : _("the kiosk answered {status}", { status: response.status }), response.status, data);
}

/**
 * "m:ss" (or "h:mm:ss") of a number of seconds; "—" for none. Latin digits in every language,
 * as the console's and the projector's countdowns write them (a facilitator compares them).
 */
export function duration(seconds) {
  if (!seconds) return "—";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** A date and time (ISO text or epoch ms), written the page language's way; "" for none. */
export function when(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString(locale) : "";
}

/**
 * One of the kiosk's problems with a workshop in the page's language: where it is (the step,
 * its id, the field: the schema's names, as written), then what is wrong (its `reason` key),
 * after its line in the file with `withLine`. The kiosk's English `message` when it gives no key.
 */
export function problemText(problem, { withLine = false } = {}) {
  const reason = problem.reason ? say(problem.reason) : null;
  let text = problem.message || "";
  if (reason !== null) {
    const field = (problem.field || "").replace(/^steps\.\d+\.?/, "");
    const stepId = typeof problem.step_id === "string" ? problem.step_id : "";
    if (Number.isInteger(problem.step)) {
      const number = formatNumber(problem.step + 1);
      if (field && stepId) text = _("step {number} ('{step_id}') → {field}: {reason}", { number, step_id: stepId, field, reason });
      else if (field) text = _("step {number} → {field}: {reason}", { number, field, reason });
      else if (stepId) text = _("step {number} ('{step_id}'): {reason}", { number, step_id: stepId, reason });
      else text = _("step {number}: {reason}", { number, reason });
    } else if (field) text = _("{field}: {reason}", { field, reason });
    else text = reason;
  }
  return withLine && problem.line ? _("line {line}: {problem}", { line: formatNumber(problem.line), problem: text }) : text;
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
