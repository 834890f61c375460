// The draft kept in this browser (localStorage) until it is saved: a reload or a closed tab
// loses nothing, and a draft found on opening is offered back, not forced on the person.

import { $, setText } from "./dom.js";
import { _ } from "./i18n.js";
import { draftKey, when } from "./studio-api.js";
import { editor, say } from "./studio-editor-state.js";

export function keepDraft() {
  const { builtin, draftOffer, workshopId, savedJson, draft, serverUpdatedAt, serverVersion } = editor;
  if (builtin || draftOffer) return; // an offered draft is not overwritten before it is answered
  const key = draftKey(workshopId);
  if (savedJson !== null && JSON.stringify(draft.workshop) === savedJson) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify({ saved_at: Date.now(), base: serverUpdatedAt, version: serverVersion, workshop: draft.workshop }));
}

export function readDraft(id) {
  try {
    const kept = JSON.parse(localStorage.getItem(draftKey(id)) || "null");
    return kept && kept.workshop && Array.isArray(kept.workshop.steps) ? kept : null;
  } catch {
    return null;
  }
}

export function offerDraft(kept) {
  editor.draftOffer = kept;
  // Saved again since the draft was begun (another tab, another browser): the draft is still
  // based on the older version, so saving it meets the newer one and asks what to keep.
  const moved = kept.base && editor.serverUpdatedAt && kept.base !== editor.serverUpdatedAt;
  const at = when(kept.saved_at);
  setText(
    $("#draft-offer-text"),
    moved
      ? _("This browser kept unsaved changes to this workshop from {time}. The kiosk's copy was saved again since then: if you restore them, saving asks whether to replace that version. Restore them?", { time: at })
      : _("This browser kept unsaved changes to this workshop from {time}. Restore them?", { time: at }),
  );
  $("#draft-offer").hidden = false;
}

$("#draft-restore").addEventListener("click", () => {
  const kept = editor.draftOffer;
  editor.draftOffer = null;
  $("#draft-offer").hidden = true;
  // The draft's own base: saving it over a version saved since is refused and asked about.
  if (kept.version) editor.serverVersion = kept.version;
  editor.draft.replace(kept.workshop);
  say(_("Your unsaved changes are back. Save to keep them on the kiosk."));
  $("#save").focus();
});

$("#draft-discard").addEventListener("click", () => {
  editor.draftOffer = null;
  $("#draft-offer").hidden = true;
  localStorage.removeItem(draftKey(editor.workshopId));
  say(_("The draft was discarded: this is the saved version."));
});
