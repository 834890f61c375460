// The editor's forms: the workshop's fields and the selected step's, each edit made through
// the draft, and the kiosk's problems shown next to the field they are about.

import { $, el, setText } from "./dom.js";
import { _, formatNumber } from "./i18n.js";
import { problemText } from "./studio-api.js";
import { offeredFeelings, setPath } from "./studio-draft.js";
import { structuralEdit, stepFields, workshopFields } from "./studio-fields.js";
import { defaults, editor } from "./studio-editor-state.js";
import { freeId, promptIds, slugOf } from "./studio-ids.js";
import { select } from "./studio-step-list.js";

export function renderWorkshopFields() {
  const box = $("#workshop-fields");
  const legend = box.querySelector("legend");
  box.replaceChildren(legend, ...workshopFields(editor.draft.workshop, { isNew: !editor.workshopId, readOnly: editor.builtin, onEdit: editWorkshop, defaults }));
}

/** The ids of the prompts of `kind` in the steps before step `index`: what one may pair with. */
function promptsBefore(index, kind) {
  return editor.draft.workshop.steps
    .slice(0, index)
    .filter((s) => s.prompt && s.prompt.kind === kind && s.prompt.id)
    .map((s) => s.prompt.id);
}

export function renderStepForm() {
  const { draft, selected, builtin } = editor;
  const box = $("#step-form");
  const step = draft.workshop.steps[selected];
  if (!step) {
    setText($("#step-heading"), _("Step"));
    box.replaceChildren(el("p", { className: "meta", text: builtin ? _("This workshop has no steps.") : _("Add a step to start.") }));
    return;
  }
  setText($("#step-heading"), _("Step {number} of {count}", { number: formatNumber(selected + 1), count: formatNumber(draft.workshop.steps.length) }));
  box.replaceChildren(
    el("p", { className: "field-error", dataset: { errorFor: "" }, hidden: true }),
    ...stepFields(step, selected, {
      pairable: (kind) => promptsBefore(selected, kind),
      offered: offeredFeelings(draft.workshop, defaults),
      readOnly: builtin,
      onEdit: editStep,
    }),
  );
}

/** Every problem next to its field: the selected step's in its form, the rest in the list. */
export function renderProblems() {
  const { problems, selected } = editor;
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
      line.append(el("span", { text: problemText(problem) }), " ");
      line.hidden = false;
      const input = scope.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }
  const list = $("#problems-list");
  list.replaceChildren(
    ...problems.map((problem) => {
      const text = problemText(problem); // as the file loader words it: step, field, what is wrong
      if (problem.step === null || problem.step === undefined) return el("li", { text });
      const go = el("button", { type: "button", className: "link-button", text });
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

function editWorkshop(path, value, structural, typingKey) {
  const fresh = !editor.workshopId && !editor.idTouched;
  editor.draft.change((w) => {
    setPath(w, path, value);
    if (path === "title" && fresh) w.id = slugOf(value || "");
    if (path === "id") editor.idTouched = true;
  }, { typingKey, kind: structural ? "structure" : "type" });
  if (path === "title" && fresh) {
    const idInput = $('#workshop-fields [data-field="id"]');
    if (idInput) idInput.value = editor.draft.workshop.id;
  }
}

function editStep(path, value, structural, typingKey) {
  const index = editor.selected;
  editor.draft.change((w) => {
    const step = w.steps[index];
    if (structural) structuralEdit(step, path, value, (s) => freeId(promptIds(w), `${s.id || "step"}-question`), defaults);
    else setPath(step, path, value);
  }, { typingKey, kind: structural ? "structure" : "type" });
  if (structural) $(`#step-form [data-field="${CSS.escape(path)}"]`)?.focus();
}

/**
 * What an empty list of feelings stands for, shown greyed in it, kept up with typing: the
 * workshop's feelings or language change what its feelings questions offer.
 */
export function refreshOfferedFeelings() {
  const workshop = editor.draft.workshop;
  const own = $('#workshop-fields [data-field="feelings"]');
  const byLanguage = (defaults.feelings || {})[workshop.language || "en"];
  if (own) own.placeholder = byLanguage ? byLanguage.join("\n") : "";
  const options = $('#step-form [data-field="prompt.options"]');
  if (options && options.tagName === "TEXTAREA" && workshop.steps[editor.selected]?.prompt?.kind === "feelings") {
    options.placeholder = (offeredFeelings(workshop, defaults) || []).join("\n");
  }
}
