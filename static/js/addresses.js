// Where the kiosk is, and the address of every page and file a page asks it for: the one place
// the browser knows the kiosk's routes (docs/protocol.md; facilitator/views.py). The pages, the
// API and the Socket.IO endpoint (connection.js, at socket.io's default /socket.io/ path) are
// all on this page's own origin. The join address is the kiosk's to give (its public URL,
// which phones reach it by): the console shows it as given.

/** The report page of a session; the facilitator's token, if given, rides in the fragment. */
export function reportPage(code, token = "") {
  return `/f/${code}/report${token ? `#${encodeURIComponent(token)}` : ""}`;
}

/** The projector page, spelled out in full beside the join address the kiosk gave. */
export function screenPageBeside(joinUrl) {
  return joinUrl.replace(/\/j\/([^/]+)$/, "/s/$1");
}

/** A session's report data (facilitator only). */
export function reportData(code) {
  return `/api/sessions/${code}/report.json`;
}

/** A session's export, `kind` "csv" or "json" (facilitator only). */
export function exportFile(code, kind) {
  return `/api/sessions/${code}/export.${kind}`;
}
