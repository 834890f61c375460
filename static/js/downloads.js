// Facilitator downloads: fetched with the facilitator's token, saved as a file.

import { exportFile } from "./addresses.js";
import { _, say } from "./i18n.js";

/** Fetch `url` with these headers and save it as `filename`; returns an error text or "". */
export async function download(url, headers, filename) {
  const response = await fetch(url, { headers, credentials: "same-origin" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    // The kiosk's words as a key, in this page's language (an older kiosk: its English text).
    return say(body.message ?? body.error) || _("The download failed ({status}).", { status: response.status });
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  return "";
}

/** Save a session's export (`kind` "csv" or "json") as attune-<code>.<kind>; an error text or "". */
export function downloadExport(code, kind, headers) {
  return download(exportFile(code, kind), headers, `attune-${code}.${kind}`);
}

/** The headers that carry a facilitator token (none without one: the home's cookie may do). */
export function bearerHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The facilitator token of a session: from the link's fragment (then hidden) or this tab. */
export function facilitatorToken(code) {
  const key = `attune.token.${code}`;
  const fromLink = decodeURIComponent(window.location.hash.slice(1));
  if (fromLink) {
    sessionStorage.setItem(key, fromLink);
    // Keep the secret out of the address bar, the history and any shared screen.
    history.replaceState(null, "", window.location.pathname);
  }
  return sessionStorage.getItem(key) || "";
}
