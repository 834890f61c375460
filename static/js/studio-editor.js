// The studio's editor: a workshop's fields and steps, checked by the kiosk's own schema as the
// facilitator types, kept in this browser until saved, with undo, reordering by drag and by
// keyboard, and a live preview of the selected step on a phone and on the projector.
//
// This module loads the workshop, draws the page after each edit and runs the preview; the
// rest is in modules by concern: the shared state (studio-editor-state.js), the step list and
// reordering (studio-step-list.js), the forms (studio-forms.js), the schema's check
// (studio-check.js), the draft kept in the browser (studio-kept-draft.js), saving and a save
// that meets a newer version (studio-save.js), and undo / redo (studio-undo.js).

import { $, setText } from "./dom.js";
import { _ } from "./i18n.js";
import { Draft } from "./studio-draft.js";
import { Preview, fitFrames, previewViews } from "./studio-preview.js";
import { request, stripServerFields } from "./studio-api.js";
import { defaults, editor, hooks, main, say, showSaveState } from "./studio-editor-state.js";
import { refreshOfferedFeelings, renderProblems, renderStepForm, renderWorkshopFields } from "./studio-forms.js";
import { renderSteps } from "./studio-step-list.js";
import { scheduleValidation, validate } from "./studio-check.js";
import { keepDraft, offerDraft, readDraft } from "./studio-kept-draft.js";
import { showLinks } from "./studio-save.js";
import "./studio-undo.js";

const PREVIEW_AFTER_MS = 150;
const timerStarts = new Map(); // when each step's preview timer started (browser time)

editor.draft = new Draft({ id: "", title: "", language: "en", steps: [] }, changed);
const preview = new Preview({ phone: $("#preview-phone"), screen: $("#preview-screen") });
fitFrames(document.querySelectorAll(".preview-frame"));

// ---------- Drawing ----------

/** The heading's workshop title, in the workshop's language (its own words). */
function showTitle() {
  const { workshop } = editor.draft;
  const heading = $("#heading-title");
  // The colon outside the title: in a right-to-left page it stays between the two.
  $("#heading-colon").hidden = !workshop.title;
  setText(heading, workshop.title || "");
  heading.lang = typeof workshop.language === "string" && workshop.language ? workshop.language : "en";
  heading.dir = "auto";
}

function renderAll() {
  const { draft } = editor;
  if (editor.selected >= draft.workshop.steps.length) editor.selected = Math.max(0, draft.workshop.steps.length - 1);
  showTitle();
  renderWorkshopFields();
  renderSteps();
  renderStepForm();
  renderProblems();
  showSaveState();
  showPreview();
}

hooks.renderAll = renderAll;
hooks.showStep = () => {
  renderStepForm();
  renderProblems();
  showPreview();
};

/** After every edit, undo or redo: draw what changed, keep the draft, check it, preview it. */
function changed(kind) {
  // The last line said ("Saved on the kiosk.") is about the draft before this edit.
  say("");
  if (kind === "type") {
    showTitle();
    renderSteps();
    refreshOfferedFeelings();
  } else {
    const focused = document.activeElement?.dataset?.field;
    renderAll();
    if (focused && kind !== "structure") $(`#step-form [data-field="${CSS.escape(focused)}"], #workshop-fields [data-field="${CSS.escape(focused)}"]`)?.focus();
  }
  showSaveState();
  keepDraft();
  scheduleValidation();
  schedulePreview();
}

// ---------- Preview ----------

let previewTimer = null;
function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(showPreview, PREVIEW_AFTER_MS);
}

/** The timer restarts only when the step or its timing changes, not on every keystroke. */
function timerKey(step) {
  return JSON.stringify([step.id, step.countdown, step.breathing]);
}

function showPreview() {
  const step = editor.draft.workshop.steps[editor.selected];
  if (!step) return;
  const key = timerKey(step);
  if (!timerStarts.has(key)) timerStarts.set(key, Date.now());
  preview.show(previewViews(editor.draft.workshop, editor.selected, timerStarts.get(key), defaults));
}

$("#restart-timer").addEventListener("click", () => {
  const step = editor.draft.workshop.steps[editor.selected];
  if (!step) return;
  timerStarts.set(timerKey(step), Date.now());
  showPreview();
});

// ---------- Loading ----------

async function load() {
  const { draft, workshopId } = editor;
  if (!workshopId) {
    const kept = readDraft("");
    if (kept) {
      draft.workshop = structuredClone(kept.workshop);
      editor.idTouched = Boolean(kept.workshop.id);
      say(kept.imported ? _("Imported from {file}: fix the marked steps, then save.", { file: kept.imported }) : _("Your unsaved new workshop was kept in this browser: here it is."));
    }
    renderAll();
    showLinks();
    validate();
    document.body.dataset.loaded = "true";
    return;
  }
  let workshop;
  try {
    workshop = await request("GET", `/api/workshops/${encodeURIComponent(workshopId)}`);
  } catch (error) {
    say(error.status === 404 ? _("There is no workshop with this name on the kiosk (it may have been deleted). Go back to the studio to pick another.") : _("The workshop could not be loaded: {reason}", { reason: error.message }), true);
    document.body.dataset.loaded = "true";
    return;
  }
  const builtin = Boolean(workshop.builtin);
  editor.builtin = builtin;
  editor.serverUpdatedAt = workshop.updated_at ?? null;
  editor.serverVersion = workshop.version ?? null;
  const clean = stripServerFields(workshop);
  draft.workshop = structuredClone(clean);
  editor.savedJson = JSON.stringify(clean);
  $("#readonly").hidden = !builtin;
  main.classList.toggle("read-only", builtin);
  $("#save").hidden = builtin;
  $("#undo").hidden = builtin;
  $("#redo").hidden = builtin;
  $("#add-step").hidden = builtin;
  const kept = builtin ? null : readDraft(workshopId);
  if (kept && JSON.stringify(kept.workshop) !== editor.savedJson) offerDraft(kept);
  showLinks();
  renderAll();
  validate();
  document.body.dataset.loaded = "true";
}

window.addEventListener("beforeunload", keepDraft);
load();
