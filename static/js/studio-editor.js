// The studio's editor: a workshop's fields and steps, checked by the kiosk's own schema as the
// facilitator types, kept in this browser until saved, with undo, reordering by drag and by
// keyboard, and a live preview of the selected step on a phone and on the projector.

import Sortable from "/vendor/sortable.core.esm.js";
import { $, el, setText } from "./dom.js";
import { Draft, plannedSeconds, setPath } from "./studio-draft.js";
import { stepFields, structuralEdit, workshopFields } from "./studio-fields.js";
import { Preview, fitFrames, previewViews } from "./studio-preview.js";
import { ApiError, draftKey, duration, request } from "./studio-api.js";

const main = $("main.studio-editor");
const VALIDATE_AFTER_MS = 400;
const PREVIEW_AFTER_MS = 150;

let workshopId = main.dataset.workshopId; // "" until a new workshop is first saved
let builtin = false;
let serverUpdatedAt = null;
let savedJson = null; // the workshop as the kiosk has it (null: never saved)
let saving = false;
let selected = 0;
let problems = []; // the server's errors for the draft as it is now
let planned = null; // the server's planned seconds per step, when the draft is valid
let draftOffer = null; // a stored draft the person has not restored or discarded yet
let idTouched = false; // a new workshop's id follows its title until typed in
const timerStarts = new Map(); // when each step's preview timer started (browser time)

const draft = new Draft({ id: "", title: "", language: "en", steps: [] }, changed);
const preview = new Preview({ phone: $("#preview-phone"), screen: $("#preview-screen") });
fitFrames(document.querySelectorAll(".preview-frame"));

// ---------- Status lines ----------

function say(text, problem = false) {
  const status = $("#status");
  setText(status, text);
  status.classList.toggle("problem", problem);
}

/** Tell screen readers (and only them) about a move or an edit they cannot see. */
function announce(text) {
  const announcer = $("#announcer");
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 30);
}

function showSaveState() {
  const badge = $("#save-state");
  const unsaved = savedJson === null || JSON.stringify(draft.workshop) !== savedJson;
  const state = saving ? "saving" : builtin ? "builtin" : unsaved ? "unsaved" : "saved";
  badge.dataset.state = state;
  setText(badge, { saving: "Saving…", builtin: "Built-in: read only", unsaved: "Unsaved changes", saved: "Saved" }[state]);
  $("#undo").disabled = builtin || !draft.undoStack.length;
  $("#redo").disabled = builtin || !draft.redoStack.length;
  $("#save").disabled = builtin || saving;
  document.title = `${unsaved && !builtin ? "• " : ""}${draft.workshop.title || "New workshop"} · Workshop studio · Attune`;
}

// ---------- Rendering ----------

function stepLabel(step, index) {
  return step.title ? step.title : `Step ${index + 1} (no title yet)`;
}

function problemsOfStep(index) {
  return problems.filter((p) => p.step === index);
}

function stepSeconds(index) {
  if (planned && planned.length === draft.workshop.steps.length) return planned[index];
  return plannedSeconds(draft.workshop.steps[index]);
}

let dragging = false; // while a step is dragged, the list is Sortable's: not drawn again

function renderSteps(focus = null) {
  if (dragging) return;
  const steps = draft.workshop.steps;
  // Drawn again (a check came back, an edit elsewhere): the focus stays on the same button.
  const active = document.activeElement;
  if (!focus && active && $("#steps").contains(active) && active.dataset.action) {
    focus = { index: Number(active.closest("li").dataset.index), action: active.dataset.action };
  }
  let start = 0;
  const items = steps.map((step, index) => {
    const seconds = stepSeconds(index);
    const startsAt = start;
    start += seconds;
    const name = stepLabel(step, index);
    const count = problemsOfStep(index).length;
    const timing = seconds ? `${duration(seconds)} · starts at ${duration(startsAt) === "—" ? "0:00" : duration(startsAt)}` : "no timer";
    const tool = (action, text, label) =>
      el("button", { type: "button", className: "button small quiet", dataset: { action }, text, "aria-label": label, disabled: builtin });
    return el(
      "li",
      { className: `step-item${index === selected ? " selected" : ""}${count ? " has-problem" : ""}`, dataset: { index: String(index) } },
      el("span", { className: "drag-handle", "aria-hidden": "true", title: "Drag to move", text: "⠿" }),
      el(
        "button",
        { type: "button", className: "step-select", dataset: { action: "select" }, "aria-current": index === selected ? "step" : "false", "aria-keyshortcuts": "Alt+ArrowUp Alt+ArrowDown" },
        el("span", { className: "step-number", text: `${index + 1}.` }),
        el("span", { className: "step-name user-text", text: name }),
        el("span", { className: "step-time meta", text: timing }),
        count ? el("span", { className: "problem-badge", text: `${count} ${count === 1 ? "problem" : "problems"}` }) : null,
      ),
      el(
        "span",
        { className: "step-tools" },
        tool("up", "↑", `Move “${name}” up`),
        tool("down", "↓", `Move “${name}” down`),
        tool("duplicate", "Duplicate", `Duplicate “${name}”`),
        tool("delete", "Delete", `Delete “${name}”`),
      ),
    );
  });
  $("#steps").replaceChildren(...items);
  setText($("#total"), steps.length ? `${steps.length} ${steps.length === 1 ? "step" : "steps"} · ${duration(start)} of timed exercises` : "No steps yet: add the first one.");
  if (focus) {
    const item = $(`#steps li[data-index="${focus.index}"]`);
    const target = item?.querySelector(`[data-action="${focus.action}"]:not(:disabled)`) || item?.querySelector('[data-action="select"]');
    target?.focus();
  }
}

function renderWorkshopFields() {
  const box = $("#workshop-fields");
  const legend = box.querySelector("legend");
  box.replaceChildren(legend, ...workshopFields(draft.workshop, { isNew: !workshopId, readOnly: builtin, onEdit: editWorkshop }));
}

function scalesBefore(index) {
  return draft.workshop.steps
    .slice(0, index)
    .filter((s) => s.prompt && s.prompt.kind === "scale" && s.prompt.id)
    .map((s) => s.prompt.id);
}

function renderStepForm() {
  const box = $("#step-form");
  const step = draft.workshop.steps[selected];
  if (!step) {
    setText($("#step-heading"), "Step");
    box.replaceChildren(el("p", { className: "meta", text: builtin ? "This workshop has no steps." : "Add a step to start." }));
    return;
  }
  setText($("#step-heading"), `Step ${selected + 1} of ${draft.workshop.steps.length}`);
  box.replaceChildren(
    el("p", { className: "field-error", dataset: { errorFor: "" }, hidden: true }),
    ...stepFields(step, selected, { scalesBefore: scalesBefore(selected), readOnly: builtin, onEdit: editStep }),
  );
}

/** Every problem next to its field: the selected step's in its form, the rest in the list. */
function renderProblems() {
  for (const line of document.querySelectorAll(".field-error")) {
    line.hidden = true;
    line.replaceChildren();
  }
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const problem of problems) {
    const scope = problem.step === selected ? $("#step-form") : problem.step === null || problem.step === undefined ? $("#workshop-fields") : null;
    const path = (problem.field || "").replace(/^steps\.\d+\.?/, "");
    const line = scope && errorLineFor(scope, path);
    if (line) {
      line.append(el("span", { className: "user-text", text: problem.message }), " ");
      line.hidden = false;
      const input = scope.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }
  const list = $("#problems-list");
  list.replaceChildren(
    ...problems.map((problem) => {
      const text = problem.message; // as the file loader words it: step, field, what is wrong
      if (problem.step === null || problem.step === undefined) return el("li", { className: "user-text", text });
      const go = el("button", { type: "button", className: "link-button user-text", text });
      go.addEventListener("click", () => select(problem.step, (problem.field || "").replace(/^steps\.\d+\.?/, "")));
      return el("li", {}, go);
    }),
  );
  $("#problems").hidden = problems.length === 0;
}

/** The error line of the field at `path`, else of the nearest group holding it. */
function errorLineFor(scope, path) {
  let candidate = path;
  for (;;) {
    const line = scope.querySelector(`.field-error[data-error-for="${CSS.escape(candidate)}"]`);
    if (line) return line;
    if (!candidate) return null;
    candidate = candidate.includes(".") ? candidate.slice(0, candidate.lastIndexOf(".")) : "";
  }
}

function renderAll() {
  if (selected >= draft.workshop.steps.length) selected = Math.max(0, draft.workshop.steps.length - 1);
  setText($("#heading-title"), draft.workshop.title ? `: ${draft.workshop.title}` : "");
  renderWorkshopFields();
  renderSteps();
  renderStepForm();
  renderProblems();
  showSaveState();
  showPreview();
}

// ---------- Edits ----------

/** After every edit, undo or redo: draw what changed, keep the draft, check it, preview it. */
function changed(kind) {
  // The last line said ("Saved on the kiosk.") is about the draft before this edit.
  say("");
  if (kind === "type") {
    setText($("#heading-title"), draft.workshop.title ? `: ${draft.workshop.title}` : "");
    renderSteps();
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

function editWorkshop(path, value, structural, typingKey) {
  draft.change((w) => {
    setPath(w, path, value);
    if (path === "title" && !workshopId && !idTouched) w.id = slugOf(value || "");
    if (path === "id") idTouched = true;
  }, { typingKey, kind: structural ? "structure" : "type" });
  if (path === "title" && !workshopId && !idTouched) {
    const idInput = $('#workshop-fields [data-field="id"]');
    if (idInput) idInput.value = draft.workshop.id;
  }
}

function editStep(path, value, structural, typingKey) {
  const index = selected;
  draft.change((w) => {
    const step = w.steps[index];
    if (structural) structuralEdit(step, path, value, (s) => freeId(promptIds(w), `${s.id || "step"}-question`));
    else setPath(step, path, value);
  }, { typingKey, kind: structural ? "structure" : "type" });
  if (structural) $(`#step-form [data-field="${CSS.escape(path)}"]`)?.focus();
}

function slugOf(text) {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

function promptIds(w) {
  return new Set(w.steps.filter((s) => s.prompt && s.prompt.id).map((s) => s.prompt.id));
}

function freeId(taken, base) {
  const stem = slugOf(base).slice(0, 58) || "step";
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n += 1) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

function addStep() {
  const at = draft.workshop.steps.length ? selected + 1 : 0;
  draft.change((w) => {
    const id = freeId(new Set(w.steps.map((s) => s.id)), `step-${w.steps.length + 1}`);
    w.steps.splice(at, 0, { id, title: "" });
    selected = at;
  }, { kind: "structure" });
  announce(`Step added at position ${at + 1} of ${draft.workshop.steps.length}.`);
  $('#step-form [data-field="title"]')?.focus();
}

function duplicateStep(index) {
  draft.change((w) => {
    const copy = structuredClone(w.steps[index]);
    copy.id = freeId(new Set(w.steps.map((s) => s.id)), `${copy.id || "step"}-copy`);
    if (copy.prompt) {
      copy.prompt.id = freeId(promptIds(w), `${copy.prompt.id || "question"}-copy`);
      delete copy.prompt.pairs_with;
    }
    w.steps.splice(index + 1, 0, copy);
    selected = index + 1;
  }, { kind: "structure" });
  announce(`Step “${stepLabel(draft.workshop.steps[index + 1], index + 1)}” duplicated: it is step ${index + 2} of ${draft.workshop.steps.length}.`);
  renderSteps({ index: index + 1, action: "select" });
}

function deleteStep(index) {
  const name = stepLabel(draft.workshop.steps[index], index);
  draft.change((w) => {
    w.steps.splice(index, 1);
    if (selected >= w.steps.length) selected = Math.max(0, w.steps.length - 1);
    else if (selected > index) selected -= 1;
  }, { kind: "structure" });
  say(`Step “${name}” deleted. Undo (Ctrl+Z) brings it back.`);
  announce(`Step “${name}” deleted. Undo brings it back.`);
  renderSteps({ index: Math.min(index, draft.workshop.steps.length - 1), action: "select" });
}

/** Move a step from one position to another; the new position is said to screen readers. */
function moveStep(from, to, focusAction = null) {
  const count = draft.workshop.steps.length;
  if (to < 0 || to >= count || from === to) {
    announce(to < 0 ? "Already the first step." : to >= count ? "Already the last step." : "");
    renderSteps();
    return;
  }
  const wasSelected = draft.workshop.steps[selected];
  draft.change((w) => {
    const [step] = w.steps.splice(from, 1);
    w.steps.splice(to, 0, step);
    // The edit works on the draft's own objects, so the selected step is found by identity.
    selected = Math.max(0, w.steps.indexOf(wasSelected));
  }, { kind: "structure" });
  const name = stepLabel(draft.workshop.steps[to], to);
  announce(`Step “${name}” moved to position ${to + 1} of ${count}.`);
  say(`Step “${name}” moved to position ${to + 1} of ${count}.`);
  renderSteps({ index: to, action: focusAction || "select" });
}

function select(index, field = "") {
  selected = index;
  renderSteps();
  renderStepForm();
  renderProblems();
  showPreview();
  const target = field && $(`#step-form [data-field="${CSS.escape(field)}"]`);
  (target || $('#step-form [data-field="title"]'))?.focus();
}

$("#steps").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const index = Number(button.closest("li").dataset.index);
  const action = button.dataset.action;
  if (action === "select") {
    selected = index;
    renderSteps({ index, action: "select" });
    renderStepForm();
    renderProblems();
    showPreview();
    // One column (a phone): the step's form is below the whole list, so it is brought up.
    if (window.matchMedia("(max-width: 760px)").matches) $("#step-heading").scrollIntoView({ block: "start" });
  } else if (action === "up") moveStep(index, index - 1, "up");
  else if (action === "down") moveStep(index, index + 1, "down");
  else if (action === "duplicate") duplicateStep(index);
  else if (action === "delete") deleteStep(index);
});

$("#steps").addEventListener("keydown", (event) => {
  if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown") || builtin) return;
  const item = event.target.closest("li[data-index]");
  if (!item) return;
  event.preventDefault();
  const index = Number(item.dataset.index);
  const action = event.target.dataset.action || "select";
  moveStep(index, event.key === "ArrowUp" ? index - 1 : index + 1, action);
});

$("#add-step").addEventListener("click", addStep);

// Drag and drop (mouse and touch) by the handle; the draft, not the DOM, decides the order.
Sortable.create($("#steps"), {
  handle: ".drag-handle",
  animation: 150,
  // Pointer events rather than the browser's native drag: the same on mouse, pen and touch.
  forceFallback: true,
  fallbackTolerance: 3,
  filter: "button",
  preventOnFilter: false,
  onStart() {
    dragging = true;
  },
  onEnd(event) {
    dragging = false;
    if (builtin || event.oldIndex === event.newIndex) {
      renderSteps();
      return;
    }
    moveStep(event.oldIndex, event.newIndex);
  },
});

// ---------- Undo, redo and keys ----------

$("#undo").addEventListener("click", () => draft.undo() && say("Undone."));
$("#redo").addEventListener("click", () => draft.redo() && say("Redone."));

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod || builtin) return;
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) {
    event.preventDefault();
    if (draft.undo()) announce("Undone.");
  } else if ((key === "z" && event.shiftKey) || key === "y") {
    event.preventDefault();
    if (draft.redo()) announce("Redone.");
  } else if (key === "s") {
    event.preventDefault();
    save();
  }
});

// ---------- Validation by the kiosk's schema ----------

let validateTimer = null;
let validation = 0;

function scheduleValidation() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, VALIDATE_AFTER_MS);
}

async function validate() {
  const asked = ++validation;
  const body = JSON.parse(JSON.stringify(draft.workshop));
  let answer;
  try {
    answer = await request("POST", "/api/workshops/validate", body);
  } catch (error) {
    if (asked !== validation) return;
    if (error.status === 400 && error.body && Array.isArray(error.body.errors)) {
      problems = error.body.errors;
      planned = null;
    } else {
      say(`The draft could not be checked: ${error.message}`, true);
      return;
    }
  }
  if (asked !== validation) return; // the draft changed since: its own check is on its way
  if (answer) {
    problems = [];
    planned = Array.isArray(answer.steps) ? answer.steps.map((s) => s.planned_seconds) : null;
  }
  document.body.dataset.checked = String(asked);
  renderSteps();
  renderProblems();
}

// ---------- The draft in this browser ----------

function keepDraft() {
  if (builtin || draftOffer) return; // an offered draft is not overwritten before it is answered
  const key = draftKey(workshopId);
  if (savedJson !== null && JSON.stringify(draft.workshop) === savedJson) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify({ saved_at: Date.now(), base: serverUpdatedAt, workshop: draft.workshop }));
}

function readDraft(id) {
  try {
    const kept = JSON.parse(localStorage.getItem(draftKey(id)) || "null");
    return kept && kept.workshop && Array.isArray(kept.workshop.steps) ? kept : null;
  } catch {
    return null;
  }
}

function offerDraft(kept) {
  draftOffer = kept;
  // Saved again since the draft was begun (another tab, another browser): restoring it would
  // put back the older base with these changes, so the offer says so.
  const moved = kept.base && serverUpdatedAt && kept.base !== serverUpdatedAt;
  const since = moved ? " The kiosk's copy was saved again since then: restoring replaces that version with the draft." : "";
  setText($("#draft-offer-text"), `This browser kept unsaved changes to this workshop from ${new Date(kept.saved_at).toLocaleString()}.${since} Restore them?`);
  $("#draft-offer").hidden = false;
}

$("#draft-restore").addEventListener("click", () => {
  const kept = draftOffer;
  draftOffer = null;
  $("#draft-offer").hidden = true;
  draft.replace(kept.workshop);
  say("Your unsaved changes are back. Save to keep them on the kiosk.");
  $("#save").focus();
});
$("#draft-discard").addEventListener("click", () => {
  draftOffer = null;
  $("#draft-offer").hidden = true;
  localStorage.removeItem(draftKey(workshopId));
  say("The draft was discarded: this is the saved version.");
});

// ---------- Save, start, duplicate ----------

async function save() {
  if (builtin || saving) return false;
  saving = true;
  showSaveState();
  const body = JSON.parse(JSON.stringify(draft.workshop));
  try {
    if (workshopId) {
      const answer = await request("PUT", `/api/workshops/${encodeURIComponent(workshopId)}`, body);
      serverUpdatedAt = answer?.updated_at ?? serverUpdatedAt;
    } else {
      const answer = await request("POST", "/api/workshops", body);
      serverUpdatedAt = answer.updated_at ?? null;
      localStorage.removeItem(draftKey(""));
      workshopId = answer.id;
      main.dataset.workshopId = workshopId;
      history.replaceState(null, "", `/studio/${encodeURIComponent(workshopId)}`);
      setText($("#heading-kind"), "Edit workshop");
      renderWorkshopFields();
      showLinks();
    }
    savedJson = JSON.stringify(body);
    problems = [];
    keepDraft();
    say("Saved on the kiosk.");
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && error.body && Array.isArray(error.body.errors)) {
      problems = error.body.errors;
      renderSteps();
      renderProblems();
      say(`Not saved: ${error.message}. Fix the problems listed, then save again.`, true);
      $("#problems").scrollIntoView({ block: "nearest" });
    } else {
      say(`Not saved: ${error.message}`, true);
    }
    return false;
  } finally {
    saving = false;
    showSaveState();
  }
}

$("#save").addEventListener("click", save);

$("#start").addEventListener("click", async () => {
  const unsaved = savedJson === null || JSON.stringify(draft.workshop) !== savedJson;
  if (unsaved && !builtin && !(await save())) {
    say("Save the workshop before starting a session: fix what is listed, then try again.", true);
    return;
  }
  $("#start").disabled = true;
  say("Starting a session…");
  try {
    const created = await request("POST", "/api/sessions", { workshop: workshopId });
    window.location.assign(created.console_url);
  } catch (error) {
    say(`No session was started: ${error.message}`, true);
    $("#start").disabled = false;
  }
});

$("#duplicate").addEventListener("click", async () => {
  try {
    const { workshops } = await request("GET", "/api/workshops");
    const copy = { ...JSON.parse(JSON.stringify(draft.workshop)) };
    copy.id = freeId(new Set(workshops.map((w) => w.id)), `${workshopId}-copy`);
    copy.title = `${copy.title} (copy)`.slice(0, 120);
    const created = await request("POST", "/api/workshops", copy);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say(`Could not duplicate it: ${error.message}`, true);
  }
});

function showLinks() {
  const id = encodeURIComponent(workshopId);
  const download = $("#download");
  download.href = `/api/workshops/${id}.yaml`;
  download.setAttribute("download", `${workshopId}.yaml`);
  download.hidden = !workshopId;
  const historyLink = $("#history-link");
  historyLink.href = `/studio/${id}/history`;
  historyLink.hidden = !workshopId;
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
  const step = draft.workshop.steps[selected];
  if (!step) return;
  const key = timerKey(step);
  if (!timerStarts.has(key)) timerStarts.set(key, Date.now());
  preview.show(previewViews(draft.workshop, selected, timerStarts.get(key)));
}

$("#restart-timer").addEventListener("click", () => {
  const step = draft.workshop.steps[selected];
  if (!step) return;
  timerStarts.set(timerKey(step), Date.now());
  showPreview();
});

// ---------- Loading ----------

function stripServerFields(workshop) {
  const copy = { ...workshop };
  delete copy.builtin;
  delete copy.updated_at;
  return copy;
}

async function load() {
  if (!workshopId) {
    const kept = readDraft("");
    if (kept) {
      draft.workshop = structuredClone(kept.workshop);
      idTouched = Boolean(kept.workshop.id);
      say(kept.imported ? `Imported from ${kept.imported}: fix the marked steps, then save.` : "Your unsaved new workshop was kept in this browser: here it is.");
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
    say(error.status === 404 ? "There is no workshop with this name on the kiosk (it may have been deleted). Go back to the studio to pick another." : `The workshop could not be loaded: ${error.message}`, true);
    document.body.dataset.loaded = "true";
    return;
  }
  builtin = Boolean(workshop.builtin);
  serverUpdatedAt = workshop.updated_at ?? null;
  const clean = stripServerFields(workshop);
  draft.workshop = structuredClone(clean);
  savedJson = JSON.stringify(clean);
  $("#readonly").hidden = !builtin;
  main.classList.toggle("read-only", builtin);
  $("#save").hidden = builtin;
  $("#undo").hidden = builtin;
  $("#redo").hidden = builtin;
  $("#add-step").hidden = builtin;
  const kept = builtin ? null : readDraft(workshopId);
  if (kept && JSON.stringify(kept.workshop) !== savedJson) offerDraft(kept);
  showLinks();
  renderAll();
  validate();
  document.body.dataset.loaded = "true";
}

window.addEventListener("beforeunload", keepDraft);
load();
