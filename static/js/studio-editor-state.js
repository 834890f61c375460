// What the studio editor's modules share: the workshop being edited and where the editor
// stands with it (saved or not, the selected step, the kiosk's problems with it), and the
// status lines every module speaks through.

import { $, setText } from "./dom.js";
import { _, formatNumber } from "./i18n.js";

export const main = $("main.studio-editor");

/** What the kiosk fills in, from its schema (workshop/authoring.py `editor_defaults`). */
export const defaults = JSON.parse(main.dataset.defaults || "{}");

export const editor = {
  workshopId: main.dataset.workshopId, // "" until a new workshop is first saved
  builtin: false,
  serverUpdatedAt: null,
  serverVersion: null, // the version the draft is based on (sent as If-Match when saving)
  savedJson: null, // the workshop as the kiosk has it (null: never saved)
  saving: false,
  selected: 0,
  problems: [], // the server's errors for the draft as it is now
  planned: null, // the server's planned seconds per step, when the draft is valid
  draftOffer: null, // a stored draft the person has not restored or discarded yet
  idTouched: false, // a new workshop's id follows its title until typed in
  draft: null, // the Draft (studio-draft.js), made by studio-editor.js
};

/**
 * Drawing that belongs to the page as a whole, given by studio-editor.js: `showStep()` draws
 * the selected step's form, its problems and its preview; `renderAll()` draws everything.
 */
export const hooks = {
  showStep() {},
  renderAll() {},
};

export function say(text, problem = false) {
  const status = $("#status");
  setText(status, text);
  status.classList.toggle("problem", problem);
}

/** Tell screen readers (and only them) about a move or an edit they cannot see. */
export function announce(text) {
  const announcer = $("#announcer");
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 30);
}

/** Whether the draft differs from the workshop as the kiosk has it (or was never saved). */
export function isUnsaved() {
  return editor.savedJson === null || JSON.stringify(editor.draft.workshop) !== editor.savedJson;
}

export function showSaveState() {
  const { draft, builtin, saving } = editor;
  const badge = $("#save-state");
  const unsaved = isUnsaved();
  const state = saving ? "saving" : builtin ? "builtin" : unsaved ? "unsaved" : "saved";
  badge.dataset.state = state;
  setText(badge, { saving: _("Saving…"), builtin: _("Built-in: read only"), unsaved: _("Unsaved changes"), saved: _("Saved") }[state]);
  $("#undo").disabled = builtin || !draft.undoStack.length;
  $("#redo").disabled = builtin || !draft.redoStack.length;
  $("#save").disabled = builtin || saving;
  const title = _("{title} · Workshop studio · Attune", { title: draft.workshop.title || _("New workshop") });
  document.title = unsaved && !builtin ? `• ${title}` : title;
}

export function stepLabel(step, index) {
  return step.title ? step.title : _("Step {number} (no title yet)", { number: formatNumber(index + 1) });
}
