// The editor's forms: the workshop's own fields and every field a step has in the schema
// (workshop/script.py). Each input carries its path in the workshop ("prompt.max") in
// `data-field`, which is how the server's errors find the field they are about.

import { el } from "./dom.js";
import { _ } from "./i18n.js";
import { getPath } from "./studio-draft.js";

const SCALE_DEFAULTS = { min: 1, max: 5 };
const BREATHING_DEFAULTS = { inhale: 4, hold: 2, exhale: 6, cycles: 5 };

/** What an input's text means in the workshop: numbers as numbers, empty as "not set". */
function valueOf(kind, input, required) {
  if (kind === "check") return input.checked ? true : undefined;
  const raw = input.value;
  if (kind === "number") {
    if (raw.trim() === "") return undefined;
    const number = Number(raw);
    // Not a number: sent as typed, so the server's words say what is wrong with it.
    return Number.isFinite(number) ? number : raw;
  }
  if (kind === "lines") {
    const lines = raw.split("\n").map((line) => line.trim()).filter(Boolean);
    // An optional list left empty is "not set" (a default applies), not an empty list.
    return lines.length || required ? lines : undefined;
  }
  if (kind === "tristate") return raw === "" ? undefined : raw === "yes";
  return raw === "" && !required ? undefined : raw;
}

function shown(kind, value) {
  if (value === undefined || value === null) return "";
  if (kind === "lines") return Array.isArray(value) ? value.join("\n") : String(value);
  if (kind === "tristate") return value === true ? "yes" : value === false ? "no" : "";
  return String(value);
}

/**
 * A form builder for one object of the draft (the workshop, or step `index`): `scope` makes
 * the element ids unique, `onEdit(path, value, structural)` hears every change.
 */
class Form {
  constructor(scope, source, onEdit, readOnly) {
    this.scope = scope;
    this.source = source;
    this.onEdit = onEdit;
    this.readOnly = readOnly;
  }

  id(path) {
    return `${this.scope}-${path.replace(/\./g, "-")}`;
  }

  /** A labelled input with its hint and an (empty) error line next to it. */
  field(kind, path, label, { hint = "", required = false, rows = 0, attrs = {}, choices = null, structural = false, placeholder = "" } = {}) {
    const id = this.id(path);
    const value = getPath(this.source, path);
    const described = [`${id}-error`, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
    let input;
    if (kind === "check") {
      input = el("input", { id, type: "checkbox", ...attrs });
      input.checked = Boolean(value); // a flag, or an object that is there (a pacer, consent)
    } else if (choices) {
      input = el("select", { id, ...attrs }, ...choices.map(([v, text]) => el("option", { value: v, text })));
      input.value = shown(kind, value);
    } else if (rows) {
      input = el("textarea", { id, rows, placeholder: placeholder || undefined, ...attrs });
      input.value = shown(kind, value);
    } else {
      input = el("input", { id, type: kind === "number" ? "text" : "text", inputmode: kind === "number" ? "decimal" : undefined, ...attrs });
      input.value = shown(kind, value);
    }
    input.dataset.field = path;
    input.setAttribute("aria-describedby", described);
    // Read only (a built-in workshop): text stays focusable and can be selected and copied.
    if (this.readOnly && (kind === "check" || choices)) input.disabled = true;
    else if (this.readOnly) input.readOnly = true;
    const event = kind === "check" || choices ? "change" : "input";
    input.addEventListener(event, () => this.onEdit(path, valueOf(kind, input, required), structural, `${this.scope}:${path}`));
    const error = el("p", { id: `${id}-error`, className: "field-error", dataset: { errorFor: path }, hidden: true });
    const hintLine = hint ? el("p", { id: `${id}-hint`, className: "hint", text: hint }) : null;
    const labelNode = el("label", { for: id, text: label });
    if (kind === "check") return el("div", { className: "field check", dataset: { path } }, el("span", { className: "check-line" }, input, labelNode), hintLine, error);
    return el("div", { className: "field", dataset: { path } }, labelNode, hintLine, input, error);
  }

  /** A group of fields with its own error line (model-level errors land there). */
  group(path, legend, ...fields) {
    const error = el("p", { id: `${this.id(path || "all")}-group-error`, className: "field-error", dataset: { errorFor: path }, hidden: true });
    return el("fieldset", { className: "group", dataset: { path } }, el("legend", { text: legend }), error, ...fields.filter(Boolean));
  }
}

// The languages the kiosk speaks, each named in its own language: transport/i18n.py's list,
// handed over by the page (`data-languages`), so there is one list to keep.
const LANGUAGES = JSON.parse(document.querySelector("[data-languages]")?.dataset.languages || '[["en", "English"]]');

/**
 * The workshop's language, chosen from the kiosk's; a workshop imported in another one (the
 * schema takes any two letters) keeps it as a further choice, named by its code.
 */
function languageField(f, current) {
  const choices = LANGUAGES.some(([code]) => code === current) || !current ? LANGUAGES : [...LANGUAGES, [current, current]];
  const field = f.field("text", "language", _("Language"), { choices, hint: _("The language the workshop's texts are written in.") });
  // Each name is read out in its own language, and is not translated (as in the switch).
  for (const option of field.querySelectorAll("option")) {
    option.lang = option.value;
    option.dataset.noTranslate = "";
  }
  return field;
}

/** The workshop's own fields: title, id (new ones only), description, language, thresholds. */
export function workshopFields(workshop, { isNew, readOnly, onEdit, defaults = {} }) {
  const f = new Form("w", workshop, onEdit, readOnly);
  return [
    f.field("text", "title", _("Title"), { required: true, attrs: { autocomplete: "off" } }),
    isNew
      ? f.field("text", "id", _("Short name (for its address and file)"), { required: true, hint: _("Small letters a–z, digits and dashes, such as calm-start. Made from the title until you change it."), attrs: { autocomplete: "off", spellcheck: "false" } })
      : el("p", { className: "meta", text: _("Short name: {id}", { id: workshop.id }) }),
    f.field("text", "description", _("Description"), { rows: 2 }),
    languageField(f, workshop.language),
    f.field("number", "min_responses", _("Fewest answers before results are shown"), { hint: _("Fewer answers than this stay hidden, to keep people anonymous (3 when empty).") }),
    f.field("check", "approve_words", _("Words answers wait for my approval before the room sees them")),
    f.field("check", "consent_on_enter", _("Ask for consent as soon as a step that needs it is reached")),
    feelingsListField(f, "feelings", _("Feelings offered by feelings questions, one a line"), (defaults.feelings || {})[workshop.language || "en"], {
      offered: _("Empty: the defaults of the workshop's language, shown greyed inside. From 2 to 40, each different."),
      none: _("Empty: the defaults of the workshop's language; this language has none, so list at least 2 here."),
    }),
  ];
}

/**
 * A list of feelings, one a line; empty shows (as a placeholder) what is offered instead.
 * `hints`: what the field says when there is something `offered` instead, and when there is `none`.
 */
function feelingsListField(f, path, label, fallback, hints) {
  const hint = fallback ? hints.offered : hints.none;
  const field = f.field("lines", path, label, { rows: 4, hint, placeholder: fallback ? fallback.join("\n") : "" });
  // The feelings (typed, or offered instead as the placeholder) are the workshop's words.
  field.querySelector("textarea").dataset.userText = "";
  return field;
}

/** Every field of step `index` of the schema, grouped as a facilitator thinks of them. */
export function stepFields(step, index, { pairable, offered, readOnly, onEdit }) {
  const f = new Form(`s${index}`, step, onEdit, readOnly);
  const prompt = step.prompt || null;
  const kind = prompt ? prompt.kind : "";
  const parts = [
    f.group("", _("What the room reads"),
      f.field("text", "title", _("Title"), { required: true, attrs: { autocomplete: "off" } }),
      f.field("text", "text", _("Text on phones and the projector"), { rows: 4 }),
      f.field("text", "context", _("One line for someone arriving mid-step"), { hint: _("Up to 200 characters.") }),
      f.field("text", "notes", _("Your notes (the console only)"), { rows: 3 }),
      f.field("text", "id", _("Step id"), { required: true, hint: _("Small letters, digits and dashes; unique in the workshop."), attrs: { autocomplete: "off", spellcheck: "false" } }),
    ),
    f.group("timing", _("Timing"),
      f.field("number", "countdown", _("Countdown (seconds)"), { hint: _("Empty: no countdown. A countdown sets the step's time even with a breathing pacer.") }),
      f.field("check", "breathing", _("Breathing pacer"), { structural: true }),
      step.breathing
        ? f.group("breathing", _("Breathing pattern (seconds)"),
            f.field("number", "breathing.inhale", _("Breathe in")),
            f.field("number", "breathing.hold", _("Hold")),
            f.field("number", "breathing.exhale", _("Breathe out")),
            f.field("number", "breathing.hold_after", _("Hold after")),
            f.field("number", "breathing.cycles", _("Cycles")),
          )
        : null,
      f.field("check", "auto_advance", _("Move on by itself when the time is up")),
    ),
    f.group("prompt", _("Question"),
      f.field("text", "prompt.kind", _("Kind of question"), {
        structural: true,
        choices: [
          ["", _("No question")],
          ["scale", _("A scale (such as 1 to 5)")],
          ["words", _("A few words")],
          ["choice", _("One choice among options")],
          ["mood", _("A mood grid (pleasant, energy)")],
          ["feelings", _("Feelings (pick a few)")],
        ],
      }),
      ...(prompt ? promptFields(f, kind, prompt, pairable(kind), offered) : []),
    ),
    f.group("consent", _("Consent"),
      f.field("check", "consent", _("Ask each person privately first (a touch or partner exercise)"), { structural: true }),
      ...(step.consent
        ? [
            f.field("text", "consent.question", _("The private question"), { required: true }),
            f.field("text", "consent.alternative.title", _("What someone does instead (title)"), { required: true }),
            f.field("text", "consent.alternative.text", _("What someone does instead (text)"), { rows: 2 }),
          ]
        : []),
    ),
    f.group("done", _("Done"),
      f.field("check", "done", _("Phones show “I'm done”"), { structural: true }),
      step.done ? f.field("number", "done_advance", _("Move on when this share is done"), { hint: _("A share from 0 to 1, such as 0.8; empty: only the facilitator moves on.") }) : null,
    ),
  ];
  return parts;
}

/** "Before and after": a select of the earlier prompts of the same kind this one may pair with. */
function pairsWithField(f, prompt, earlier, hint) {
  const pairs = [["", _("Not paired")], ...earlier.map((id) => [id, _("After of “{id}”", { id })])];
  const unknown = prompt.pairs_with && !earlier.includes(prompt.pairs_with);
  if (unknown) pairs.push([prompt.pairs_with, prompt.pairs_with]);
  const field = f.field("text", "prompt.pairs_with", _("Before and after"), { choices: pairs, hint });
  // An id no earlier prompt has (the kiosk's error says so): shown as written, an id.
  if (unknown) field.querySelector("select").lastElementChild.dataset.noTranslate = "";
  return field;
}

function promptFields(f, kind, prompt, earlier, offered) {
  const common = [
    f.field("text", "prompt.question", _("The question"), { required: true }),
    f.field("text", "prompt.id", _("Question id"), { required: true, hint: _("Small letters, digits and dashes; unique in the workshop."), attrs: { autocomplete: "off", spellcheck: "false" } }),
    f.field("number", "prompt.min_responses", _("Fewest answers before results are shown"), { hint: _("Empty: the workshop's.") }),
  ];
  if (kind === "scale") {
    return [
      ...common,
      f.field("number", "prompt.min", _("Lowest value")),
      f.field("number", "prompt.max", _("Highest value")),
      f.field("text", "prompt.min_label", _("Label of the lowest value")),
      f.field("text", "prompt.max_label", _("Label of the highest value")),
      pairsWithField(f, prompt, earlier, _("Pair it with a scale of an earlier step to show how the room moved.")),
    ];
  }
  if (kind === "mood") {
    return [
      ...common,
      f.group("prompt.labels", _("The grid’s four ends"),
        f.field("text", "prompt.pleasant_label", _("Pleasant end (right)"), { required: true }),
        f.field("text", "prompt.unpleasant_label", _("Unpleasant end (left)"), { required: true }),
        f.field("text", "prompt.high_label", _("High energy end (top)"), { required: true }),
        f.field("text", "prompt.low_label", _("Low energy end (bottom)"), { required: true }),
      ),
      pairsWithField(f, prompt, earlier, _("Pair it with a mood grid of an earlier step to show how the room moved.")),
    ];
  }
  if (kind === "feelings") {
    return [
      ...common,
      feelingsListField(f, "prompt.options", _("Feelings offered, one a line"), offered, {
        offered: _("Empty: the workshop's feelings (else its language's), shown greyed inside. From 2 to 40, each different."),
        none: _("Empty: the workshop's feelings (else its language's); this language has none, so list at least 2 here."),
      }),
      f.field("number", "prompt.max_choices", _("Most feelings one person may choose"), { hint: _("From 1 to 10 (3 when empty).") }),
      pairsWithField(f, prompt, earlier, _("Pair it with a feelings question of an earlier step to show how the room moved; both must offer the same feelings.")),
    ];
  }
  if (kind === "words") {
    return [
      ...common,
      f.field("number", "prompt.max_length", _("Longest answer (characters)"), { hint: _("From 80 to 500 (140 when empty).") }),
      f.field("tristate", "prompt.approval", _("Answers wait for your approval"), { choices: [["", _("As the workshop says")], ["yes", _("Yes")], ["no", _("No")]] }),
    ];
  }
  return [...common, f.field("lines", "prompt.options", _("Options, one a line"), { rows: 4, required: true })];
}

/**
 * The edit a structural field makes: a pacer, question or consent added or taken away.
 * `defaults` are the schema's (the editor page's `data-defaults`): a mood grid's axis words.
 */
export function structuralEdit(step, path, value, freePromptId, defaults = {}) {
  if (path === "breathing") {
    if (value) step.breathing = { ...BREATHING_DEFAULTS };
    else delete step.breathing;
  } else if (path === "prompt.kind") {
    const before = step.prompt || {};
    if (!value) delete step.prompt;
    else {
      const common = { kind: value, id: before.id || freePromptId(step), question: before.question || "" };
      if (before.min_responses !== undefined) common.min_responses = before.min_responses;
      if (value === "scale") step.prompt = { ...common, ...SCALE_DEFAULTS };
      else if (value === "choice") step.prompt = { ...common, options: ["Yes", "No"] };
      else if (value === "mood") step.prompt = { ...common, ...(defaults.mood || {}) };
      else step.prompt = common;
    }
  } else if (path === "consent") {
    // Workshop texts, in English whatever the page's language (the workshop may be in another).
    if (value) step.consent = { question: "Would you like to join this exercise?", alternative: { title: "On your own", text: "" } };
    else delete step.consent;
  } else if (path === "done") {
    if (value) step.done = true;
    else {
      delete step.done;
      delete step.done_advance; // it means nothing without "done", and would be an error
    }
  }
}
