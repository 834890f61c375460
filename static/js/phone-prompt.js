// The phone's question: the answer form of the step's prompt (a scale, choices or words) and
// the line under it that says whether the answer is being sent, was received or refused.

import { countCharacters, exactCount, foldAnswer } from "./characters.js";
import { $, el, setText } from "./dom.js";
import { _, formatNumber, locale, ngettext } from "./i18n.js";
import { MOOD_LIMIT, cellWords, moodKey } from "./mood-words.js";
import { answerSpan, room, withNodes, workshopText } from "./phone-room.js";


let promptKey = null; // which prompt the form on screen belongs to (kept while typing)

/**
 * The question of the step and its answer form; `answer(promptId, value)` sends what the
 * person gives. The form is rebuilt only for a new prompt (or one that opened or closed), so
 * typing is never lost.
 */
export function renderPrompt(prompt, answer) {
  const box = $("#prompt");
  if (!prompt) {
    box.hidden = true;
    box.replaceChildren();
    promptKey = null;
    return;
  }
  box.hidden = false;
  const deleted = Boolean(room.state.session.answers_deleted);
  const key = `${prompt.id}:${prompt.open}:${deleted}`;
  const current = pendingOrMine(prompt.id);
  if (key === promptKey) {
    markSelection(prompt, current);
    return;
  }
  promptKey = key;
  const heading = el("h3", { id: "prompt-question", className: "user-text", ...workshopText, text: prompt.question });
  const received = el("p", { id: "received", className: "received", role: "status" });
  if (!prompt.open) {
    const closed = deleted ? _("The facilitator deleted this session's answers; answers are closed.") : _("Answers are closed.");
    box.replaceChildren(heading, el("p", { className: "prompt-closed", text: closed }), received);
    if (room.outbox.pending(prompt.id)) setText(received, _("Your answer is still being sent…"));
    else if (current !== undefined) received.replaceChildren(...withNodes(_("Your answer: {answer}"), { answer: answerSpan(answerWords(prompt, current)) }));
    return;
  }
  let body;
  if (prompt.kind === "scale") body = scaleInput(prompt, answer);
  else if (prompt.kind === "choice") body = choiceInput(prompt, answer);
  else if (prompt.kind === "mood") body = moodInput(prompt, answer);
  else if (prompt.kind === "feelings") body = feelingsInput(prompt, current, answer);
  else body = wordsInput(prompt, current, answer);
  box.replaceChildren(heading, body, received);
  markSelection(prompt, current);
}

function scaleInput(prompt, answer) {
  const { min, max, min_label: low, max_label: high } = prompt.scale;
  const row = el("div", { className: "scale-row", role: "group", "aria-labelledby": "prompt-question" });
  for (let value = min; value <= max; value += 1) {
    const number = formatNumber(value);
    const end = value === min ? low : value === max ? high : "";
    const label = end ? _("{value}, {label}", { value: number, label: end }) : number;
    row.append(el("button", { type: "button", className: "button", dataset: { value: String(value) }, "aria-label": label, "aria-pressed": "false", text: number, onclick: () => answer(prompt.id, value) }));
  }
  return el("div", {}, row, el("div", { className: "scale-labels", "aria-hidden": "true" }, el("span", { className: "user-text", ...workshopText, text: low }), el("span", { className: "user-text", ...workshopText, text: high })));
}

function choiceInput(prompt, answer) {
  return el(
    "div",
    { className: "choices", role: "group", "aria-labelledby": "prompt-question" },
    ...prompt.options.map((option) =>
      el("button", { type: "button", className: "button user-text", ...workshopText, dataset: { value: option }, "aria-pressed": "false", text: option, onclick: () => answer(prompt.id, option) }),
    ),
  );
}

/** An answer as words: a mood cell's words, anything else as it is. */
function answerWords(prompt, value) {
  if (prompt.kind === "mood" && value && typeof value === "object") return cellWords(value.pleasantness, value.energy, prompt.mood);
  if (Array.isArray(value)) return new Intl.ListFormat(locale, { type: "unit" }).format(value);
  return String(value);
}

/**
 * The mood grid: 7x7 buttons, pleasant at the end (right, or left in a right-to-left page), high
 * energy at the top, the axes' words around it. One cell is in the tab order at a time (roving
 * tabindex): the arrow keys move it, Enter or Space choose it, and each cell is named in words
 * ("quite pleasant, low energy").
 */
function moodInput(prompt, answer) {
  const labels = prompt.mood;
  const grid = el("div", { className: "mood-cells", role: "group", "aria-labelledby": "prompt-question", "aria-describedby": "mood-help" });
  const cells = new Map();
  for (let energy = MOOD_LIMIT; energy >= -MOOD_LIMIT; energy -= 1) {
    for (let pleasantness = -MOOD_LIMIT; pleasantness <= MOOD_LIMIT; pleasantness += 1) {
      const value = { pleasantness, energy };
      const quadrant = `${pleasantness > 0 ? "pleasant" : pleasantness < 0 ? "unpleasant" : "middle"}-${energy > 0 ? "high" : energy < 0 ? "low" : "middle"}`;
      const cell = el("button", {
        type: "button",
        className: `mood-cell ${quadrant}`,
        dataset: { value: moodKey(value) },
        "aria-label": cellWords(pleasantness, energy, labels),
        "aria-pressed": "false",
        tabindex: pleasantness === 0 && energy === 0 ? "0" : "-1",
        onclick: () => answer(prompt.id, value),
      });
      cells.set(moodKey(value), cell);
      grid.append(cell);
    }
  }
  grid.addEventListener("keydown", (event) => {
    // The arrows move where they point: in a right-to-left page the grid is mirrored, so the
    // right arrow goes toward unpleasant there.
    const rightward = getComputedStyle(grid).direction === "rtl" ? -1 : 1; // pleasantness step
    const moves = { ArrowRight: [rightward, 0], ArrowLeft: [-rightward, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const move = moves[event.key];
    if (!move || !event.target.dataset.value) return;
    event.preventDefault();
    const [p, e] = event.target.dataset.value.split(",").map(Number);
    const clamp = (n) => Math.max(-MOOD_LIMIT, Math.min(MOOD_LIMIT, n));
    const next = cells.get(moodKey({ pleasantness: clamp(p + move[0]), energy: clamp(e + move[1]) }));
    for (const cell of cells.values()) cell.tabIndex = cell === next ? 0 : -1;
    next.focus();
  });
  const axis = (className, text) => el("span", { className: `mood-axis ${className} user-text`, ...workshopText, "aria-hidden": "true", text });
  return el(
    "div",
    { className: "mood-grid" },
    axis("high", labels.high),
    axis("unpleasant", labels.unpleasant),
    grid,
    axis("pleasant", labels.pleasant),
    axis("low", labels.low),
    el("p", { id: "mood-help", className: "meta mood-help", text: _("Tap the cell that fits, or move with the arrow keys and press Enter.") }),
  );
}

/** "2 of 3 chosen" under the feelings, and the Send button's state. */
function countFeelings(form, most) {
  const chosen = form.querySelectorAll(".feeling[aria-pressed=true]").length;
  setText(form.querySelector(".feelings-count"), _("{chosen} of {most} chosen", { chosen: formatNumber(chosen), most: formatNumber(most) }));
  form.querySelector("button[type=submit]").disabled = chosen === 0;
}

/**
 * Feelings as toggle buttons (aria-pressed): a person picks 1 to `max_choices`, then sends.
 * A pick past the limit is not made; the page says why and what to do instead.
 */
function feelingsInput(prompt, current, answer) {
  const most = prompt.max_choices;
  const count = el("p", { className: "feelings-count meta", "aria-live": "polite" });
  const limit = el("p", { className: "feelings-limit", role: "status" });
  const group = el("div", { className: "feelings", role: "group", "aria-labelledby": "prompt-question", "aria-describedby": "feelings-help" });
  const send = el("button", { type: "submit", className: "button primary", text: _("Send") });
  const form = el(
    "form",
    { className: "feelings-form", dataset: { most: String(most) } },
    el("p", { id: "feelings-help", className: "meta", text: ngettext("Choose {n}, then press Send.", "Choose up to {n}, then press Send.", most) }),
    group,
    el("div", { className: "words-row" }, count, send),
    limit,
  );
  for (const name of prompt.options) {
    const toggle = el("button", { type: "button", className: "button feeling user-text", ...workshopText, dataset: { feeling: name }, "aria-pressed": "false", text: name });
    toggle.addEventListener("click", () => {
      const on = toggle.getAttribute("aria-pressed") === "true";
      const chosen = group.querySelectorAll("[aria-pressed=true]").length;
      if (!on && chosen >= most) {
        setText(
          limit,
          ngettext(
            "You have chosen {n}, the most for this question: unpick it to choose {name} instead.",
            "You have chosen {n}, the most for this question: unpick one to choose {name} instead.",
            most,
            { name },
          ),
        );
        return;
      }
      setText(limit, "");
      toggle.setAttribute("aria-pressed", String(!on));
      toggle.classList.toggle("selected", !on);
      countFeelings(form, most);
      // Picked but not sent: "Received ✓" no longer describes what the page shows.
      if ($("#received") && $("#received").dataset.state === "received") showReceived(_("Not sent yet: press Send when you are ready."));
    });
    group.append(toggle);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [...group.querySelectorAll("[aria-pressed=true]")].map((button) => button.dataset.feeling);
    if (chosen.length) answer(prompt.id, chosen);
  });
  showFeelings(form, current);
  return form;
}

/** Whether the feelings pressed on the page differ from the answer the kiosk holds. */
function unsentFeelings(form) {
  if (!form) return false;
  const pressed = [...form.querySelectorAll(".feeling[aria-pressed=true]")].map((button) => button.dataset.feeling);
  return JSON.stringify(pressed) !== form.dataset.shown;
}

/** Press the feelings of `value` (the stored or pending answer) and nothing else. */
function showFeelings(form, value) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  for (const toggle of form.querySelectorAll(".feeling")) {
    const on = chosen.has(toggle.dataset.feeling);
    toggle.setAttribute("aria-pressed", String(on));
    toggle.classList.toggle("selected", on);
  }
  form.dataset.shown = JSON.stringify(value ?? null);
  countFeelings(form, Number(form.dataset.most));
}

function wordsInput(prompt, current, answer) {
  const limit = prompt.max_length;
  // No `maxlength`: it counts UTF-16 units (an emoji is 2 to 11) and stops typing without a
  // word. Typing goes on past the limit; the page says so and Send explains what to do.
  const area = el("textarea", { id: "words", rows: 3, dir: "auto", "aria-labelledby": "prompt-question", "aria-describedby": "words-count words-limit" });
  area.value = typeof current === "string" ? current : "";
  const counter = el("span", { id: "words-count", className: "meta", "aria-live": "off" });
  // Spoken once when the limit is reached or passed, not on every key.
  const limitNote = el("span", { id: "words-limit", className: "meta", role: "status" });
  let refusedHere = false;
  const used = () => countCharacters(foldAnswer(area.value));
  const updateCount = () => {
    const count = used();
    setText(counter, _("{count} / {limit}", { count: formatNumber(count), limit: formatNumber(limit) }));
    const excess = count - limit;
    setText(limitNote, excess === 0 ? _("— that's the limit") : excess > 0 ? _("— {excess} over the limit", { excess: formatNumber(excess) }) : "");
    limitNote.classList.toggle("error", excess > 0);
    area.setAttribute("aria-invalid", String(excess > 0));
    if (refusedHere && excess <= 0) {
      refusedHere = false;
      showReceived("");
    }
  };
  area.addEventListener("input", updateCount);
  updateCount();
  const send = el("button", { type: "submit", className: "button primary", text: _("Send") });
  const form = el("form", { className: "words" }, area, el("div", { className: "words-row" }, el("span", {}, counter, " ", limitNote), send));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    const count = used();
    const excess = count - limit;
    // Without Intl.Segmenter the count is only an upper bound: the kiosk decides then.
    if (excess > 0 && exactCount) {
      refusedHere = true;
      const sizes = { length: formatNumber(count), limit: formatNumber(limit) };
      showReceived(
        ngettext(
          "Your answer is {length} characters long and the limit is {limit}: please shorten it by {n} character and send it again.",
          "Your answer is {length} characters long and the limit is {limit}: please shorten it by {n} characters and send it again.",
          excess,
          sizes,
        ),
        true,
      );
      area.focus();
      return;
    }
    if (text) answer(prompt.id, text);
  });
  return form;
}

/** The answer this phone shows for a prompt: one still being sent, else the kiosk's record. */
export function pendingOrMine(promptId) {
  const pending = room.outbox.pending(promptId);
  if (pending) return pending.value;
  return room.mine.answers[promptId];
}

/** Mark the chosen button and say where the answer is (sending, received). */
export function markSelection(prompt, value) {
  const feelings = $("#prompt .feelings-form");
  // Toggles the person is still picking stay as they are; a new stored or pending answer
  // (sent, acknowledged, refused, or from another tab) is shown instead.
  if (feelings && feelings.dataset.shown !== JSON.stringify(value ?? null)) showFeelings(feelings, value);
  const key = prompt.kind === "mood" ? moodKey(value) : value === undefined ? undefined : String(value);
  const buttons = [...$("#prompt").querySelectorAll("button[data-value]")];
  const focusInside = buttons.includes(document.activeElement);
  for (const button of buttons) {
    const selected = key !== undefined && button.dataset.value === key;
    button.classList.toggle("selected", selected);
    button.setAttribute("aria-pressed", String(selected));
    // The grid's one tab stop is the chosen cell, unless the person is moving through it.
    if (prompt.kind === "mood" && key !== undefined && !focusInside) button.tabIndex = selected ? 0 : -1;
  }
  const received = $("#received");
  if (!received || received.dataset.error) return;
  if (room.outbox.pending(prompt.id)) {
    received.dataset.state = "sending";
    setText(received, _("Sending… (it will arrive when you are back online)"));
  } else if (value !== undefined && prompt.open && !unsentFeelings(feelings)) showAccepted(received);
  else if (value === undefined && received.dataset.state) {
    // Nothing of this phone's is stored for the prompt (refused, or deleted): say nothing
    // was received rather than keep a "Received ✓" the kiosk does not back.
    received.dataset.state = "";
    received.replaceChildren();
  }
}

/** "Received ✓" on the received line. */
export function showAccepted(received) {
  if (!received || received.dataset.state === "received") return;
  received.dataset.state = "received";
  received.dataset.error = "";
  received.classList.remove("error");
  received.replaceChildren(
    el("strong", { text: _("Received ✓") }),
    el("span", { className: "received-hint", text: _("You can change your answer while the question is open.") }),
  );
}

/** Any other words on the received line; `problem` marks a refusal. */
export function showReceived(text, problem = false) {
  const received = $("#received");
  if (!received) return;
  received.dataset.error = problem ? "1" : "";
  received.dataset.state = problem ? "error" : "";
  received.classList.toggle("error", problem);
  setText(received, text);
}

/** Build the form afresh at the next render (its prompt's answers changed under it). */
export function forgetPromptForm() {
  promptKey = null;
}
