// The editor's list of steps: each with its planned time and start, and its problems; add,
// duplicate, delete, select; reorder by drag (mouse, pen, touch) and by keyboard (move up /
// move down buttons, Alt+↑ / Alt+↓), each new position said to screen readers.

import Sortable from "/vendor/sortable.core.esm.js";
import { $, el, setText } from "./dom.js";
import { _, formatNumber, ngettext } from "./i18n.js";
import { plannedSeconds } from "./studio-draft.js";
import { announce, editor, hooks, say, stepLabel } from "./studio-editor-state.js";
import { freeId, promptIds } from "./studio-ids.js";
import { duration } from "./studio-api.js";

function problemsOfStep(index) {
  return editor.problems.filter((p) => p.step === index);
}

function stepSeconds(index) {
  const { planned, draft } = editor;
  if (planned && planned.length === draft.workshop.steps.length) return planned[index];
  return plannedSeconds(draft.workshop.steps[index]);
}

let dragging = false; // while a step is dragged, the list is Sortable's: not drawn again

export function renderSteps(focus = null) {
  if (dragging) return;
  const { draft, selected, builtin } = editor;
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
    const timing = seconds ? _("{time} · starts at {start}", { time: duration(seconds), start: duration(startsAt) === "—" ? "0:00" : duration(startsAt) }) : _("no timer");
    const tool = (action, text, label) =>
      el("button", { type: "button", className: "button small quiet", dataset: { action }, text, "aria-label": label, disabled: builtin });
    return el(
      "li",
      { className: `step-item${index === selected ? " selected" : ""}${count ? " has-problem" : ""}`, dataset: { index: String(index) } },
      el("span", { className: "drag-handle", "aria-hidden": "true", title: _("Drag to move"), text: "⠿" }),
      el(
        "button",
        { type: "button", className: "step-select", dataset: { action: "select" }, "aria-current": index === selected ? "step" : "false", "aria-keyshortcuts": "Alt+ArrowUp Alt+ArrowDown" },
        el("span", { className: "step-number", text: _("{number}.", { number: formatNumber(index + 1) }) }),
        // The step's title in the workshop's language; a step without one is named in the page's.
        step.title
          ? el("span", { className: "step-name user-text", lang: editor.draft.workshop.language || "en", dir: "auto", text: name })
          : el("span", { className: "step-name", text: name }),
        el("span", { className: "step-time meta", text: timing }),
        count ? el("span", { className: "problem-badge", text: ngettext("{n} problem", "{n} problems", count) }) : null,
      ),
      el(
        "span",
        { className: "step-tools" },
        tool("up", "↑", _("Move “{step}” up", { step: name })),
        tool("down", "↓", _("Move “{step}” down", { step: name })),
        tool("duplicate", _("Duplicate"), _("Duplicate “{step}”", { step: name })),
        tool("delete", _("Delete"), _("Delete “{step}”", { step: name })),
      ),
    );
  });
  $("#steps").replaceChildren(...items);
  setText($("#total"), steps.length ? ngettext("{n} step · {time} of timed exercises", "{n} steps · {time} of timed exercises", steps.length, { time: duration(start) }) : _("No steps yet: add the first one."));
  if (focus) {
    const item = $(`#steps li[data-index="${focus.index}"]`);
    const target = item?.querySelector(`[data-action="${focus.action}"]:not(:disabled)`) || item?.querySelector('[data-action="select"]');
    target?.focus();
  }
}

function addStep() {
  const { draft } = editor;
  const at = draft.workshop.steps.length ? editor.selected + 1 : 0;
  draft.change((w) => {
    const id = freeId(new Set(w.steps.map((s) => s.id)), `step-${w.steps.length + 1}`);
    w.steps.splice(at, 0, { id, title: "" });
    editor.selected = at;
  }, { kind: "structure" });
  announce(_("Step added at position {position} of {count}.", { position: formatNumber(at + 1), count: formatNumber(draft.workshop.steps.length) }));
  $('#step-form [data-field="title"]')?.focus();
}

function duplicateStep(index) {
  const { draft } = editor;
  draft.change((w) => {
    const copy = structuredClone(w.steps[index]);
    copy.id = freeId(new Set(w.steps.map((s) => s.id)), `${copy.id || "step"}-copy`);
    if (copy.prompt) {
      copy.prompt.id = freeId(promptIds(w), `${copy.prompt.id || "question"}-copy`);
      delete copy.prompt.pairs_with;
    }
    w.steps.splice(index + 1, 0, copy);
    editor.selected = index + 1;
  }, { kind: "structure" });
  announce(_("Step “{step}” duplicated: it is step {position} of {count}.", { step: stepLabel(draft.workshop.steps[index + 1], index + 1), position: formatNumber(index + 2), count: formatNumber(draft.workshop.steps.length) }));
  renderSteps({ index: index + 1, action: "select" });
}

function deleteStep(index) {
  const { draft } = editor;
  const name = stepLabel(draft.workshop.steps[index], index);
  draft.change((w) => {
    w.steps.splice(index, 1);
    if (editor.selected >= w.steps.length) editor.selected = Math.max(0, w.steps.length - 1);
    else if (editor.selected > index) editor.selected -= 1;
  }, { kind: "structure" });
  say(_("Step “{step}” deleted. Undo (Ctrl+Z) brings it back.", { step: name }));
  announce(_("Step “{step}” deleted. Undo brings it back.", { step: name }));
  renderSteps({ index: Math.min(index, draft.workshop.steps.length - 1), action: "select" });
}

/** Move a step from one position to another; the new position is said to screen readers. */
function moveStep(from, to, focusAction = null) {
  const { draft } = editor;
  const count = draft.workshop.steps.length;
  if (to < 0 || to >= count || from === to) {
    announce(to < 0 ? _("Already the first step.") : to >= count ? _("Already the last step.") : "");
    renderSteps();
    return;
  }
  const wasSelected = draft.workshop.steps[editor.selected];
  draft.change((w) => {
    const [step] = w.steps.splice(from, 1);
    w.steps.splice(to, 0, step);
    // The edit works on the draft's own objects, so the selected step is found by identity.
    editor.selected = Math.max(0, w.steps.indexOf(wasSelected));
  }, { kind: "structure" });
  const name = stepLabel(draft.workshop.steps[to], to);
  const moved = _("Step “{step}” moved to position {position} of {count}.", { step: name, position: formatNumber(to + 1), count: formatNumber(count) });
  announce(moved);
  say(moved);
  renderSteps({ index: to, action: focusAction || "select" });
}

/** Select step `index` and put the focus in its form (on `field`, else its title). */
export function select(index, field = "") {
  editor.selected = index;
  renderSteps();
  hooks.showStep();
  const target = field && $(`#step-form [data-field="${CSS.escape(field)}"]`);
  (target || $('#step-form [data-field="title"]'))?.focus();
}

$("#steps").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const index = Number(button.closest("li").dataset.index);
  const action = button.dataset.action;
  if (action === "select") {
    editor.selected = index;
    renderSteps({ index, action: "select" });
    hooks.showStep();
    // One column (a phone): the step's form is below the whole list, so it is brought up.
    if (window.matchMedia("(max-width: 760px)").matches) $("#step-heading").scrollIntoView({ block: "start" });
  } else if (action === "up") moveStep(index, index - 1, "up");
  else if (action === "down") moveStep(index, index + 1, "down");
  else if (action === "duplicate") duplicateStep(index);
  else if (action === "delete") deleteStep(index);
});

$("#steps").addEventListener("keydown", (event) => {
  if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown") || editor.builtin) return;
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
    if (editor.builtin || event.oldIndex === event.newIndex) {
      renderSteps();
      return;
    }
    moveStep(event.oldIndex, event.newIndex);
  },
});
