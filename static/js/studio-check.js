// The draft checked by the kiosk's own schema (POST /api/workshops/validate) a moment after
// each edit: its problems placed at their fields, its planned times from the server.

import { _ } from "./i18n.js";
import { request } from "./studio-api.js";
import { editor, say } from "./studio-editor-state.js";
import { renderProblems } from "./studio-forms.js";
import { renderSteps } from "./studio-step-list.js";

const VALIDATE_AFTER_MS = 400;

let validateTimer = null;
let validation = 0;

export function scheduleValidation() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, VALIDATE_AFTER_MS);
}

export async function validate() {
  const asked = ++validation;
  const body = JSON.parse(JSON.stringify(editor.draft.workshop));
  let answer;
  try {
    answer = await request("POST", "/api/workshops/validate", body);
  } catch (error) {
    if (asked !== validation) return;
    if (error.status === 400 && error.body && Array.isArray(error.body.errors)) {
      editor.problems = error.body.errors;
      editor.planned = null;
    } else {
      say(_("The draft could not be checked: {reason}", { reason: error.message }), true);
      return;
    }
  }
  if (asked !== validation) return; // the draft changed since: its own check is on its way
  if (answer) {
    editor.problems = [];
    editor.planned = Array.isArray(answer.steps) ? answer.steps.map((s) => s.planned_seconds) : null;
  }
  document.body.dataset.checked = String(asked);
  renderSteps();
  renderProblems();
}
