// The draft kept in this browser (localStorage) until it is saved: a reload or a closed tab
// loses nothing, and a draft found on opening is offered back, not forced on the person.

import { $, setText } from "./dom.js";
import { draftKey } from "./studio-api.js";
import { editor, say } from "./studio-editor-state.js";

export function keepDraft() {
  const { builtin, draftOffer, workshopId, savedJson, draft, serverUpdatedAt } = editor;
  if (builtin || draftOffer) return; // an offered draft is not overwritten before it is answered
  const key = draftKey(workshopId);
  if (savedJson !== null && JSON.stringify(draft.workshop) === savedJson) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify({ saved_at: Date.now(), base: serverUpdatedAt, workshop: draft.workshop }));
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
  // Saved again since the draft was begun (another tab, another browser): restoring it would
  // put back the older base with these changes, so the offer says so.
  const moved = kept.base && editor.serverUpdatedAt && kept.base !== editor.serverUpdatedAt;
  const since = moved ? " The kiosk's copy was saved again since then: restoring replaces that version with the draft." : "";
  setText($("#draft-offer-text"), `This browser kept unsaved changes to this workshop from ${new Date(kept.saved_at).toLocaleString()}.${since} Restore them?`);
  $("#draft-offer").hidden = false;
}

$("#draft-restore").addEventListener("click", () => {
  const kept = editor.draftOffer;
  editor.draftOffer = null;
  $("#draft-offer").hidden = true;
  editor.draft.replace(kept.workshop);
  say("Your unsaved changes are back. Save to keep them on the kiosk.");
  $("#save").focus();
});

$("#draft-discard").addEventListener("click", () => {
  editor.draftOffer = null;
  $("#draft-offer").hidden = true;
  localStorage.removeItem(draftKey(editor.workshopId));
  say("The draft was discarded: this is the saved version.");
});
