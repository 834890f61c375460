// The facilitator's console: the agenda, the words to say, the controls, and the room live.

import { reportPage, screenPageBeside } from "./addresses.js";
import { renderResults } from "./charts.js";
import { connect } from "./connection.js";
import { $, eachFrame, el, setText, textWith } from "./dom.js";
import { bearerHeaders, downloadExport, facilitatorToken } from "./downloads.js";
import { _, formatNumber, locale, ngettext, say, workshopLanguage } from "./i18n.js";
import { durationText, timerStatus } from "./timer.js";
import { TimingPanel } from "./widgets.js";

const main = $("main.console");
const code = main.dataset.code;
const token = facilitatorToken(code);
const headers = bearerHeaders(token);
let state = null;
const timing = new TimingPanel($("#timing"), { waiting: _("Ready: press Start (or Space)") });
let agendaKey = null;
let shownStep = null; // the step whose notes are on screen, to start a new step's at its top

const { clock, call } = connect("/facilitator", { code, token }, {
  onState(next) {
    state = next;
    render();
  },
  events: {
    presence({ participants }) {
      showConnected(participants);
    },
    results(results) {
      if (state) {
        state.results = results;
        showResults();
      }
    },
    care(care) {
      if (state) {
        state.care = care;
        showCare();
        enableControls();
      }
    },
  },
});

/** A message as a sentence: capital first letter, closing full stop. */
function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return "";
  const first = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** Show `text` on a status line; `tone` is "problem", "done" or "" (plain). */
function tell(line, text, tone = "") {
  line.classList.toggle("problem", tone === "problem");
  line.classList.toggle("done", tone === "done");
  setText(line, sentence(text));
  if (text) line.scrollIntoView({ block: "nearest" });
}

// Whatever scrolls into view (a message, a focused button) stops above the dock, not under it.
const dock = $("#dock");
new ResizeObserver(() => {
  document.documentElement.style.scrollPaddingBottom = `${dock.offsetHeight}px`;
}).observe(dock);

const status = $("#status");
function showStatus(text, problem = false) {
  tell(status, text, problem ? "problem" : "");
}

/** A workshop's text (a step's title) as an element in the workshop's language. */
function workshopText(text, tag = "span") {
  return el(tag, { className: "user-text", text, ...workshopLanguage });
}

/** "3 connected": the count big, the words around it in the page's language. */
function showConnected(participants) {
  const line = $("#connected-line");
  if (line.dataset.count === String(participants)) return;
  line.dataset.count = String(participants);
  const count = el("span", { id: "participants", className: "count", text: formatNumber(participants) });
  // Translators: {count} is the number of phones connected, shown big.
  line.replaceChildren(...textWith(ngettext("{count} connected", "{count} connected", participants), { count }));
}

/** "12 answers", or "– answers" on a step that asks nothing. */
function showAnswerCount(results) {
  const count = el("span", { id: "answers", className: "count", text: results ? formatNumber(results.count) : "–" });
  const words = results
    ? ngettext("{count} answer", "{count} answers", results.count)
    : // Translators: {count} is a dash: this step asks no question.
      _("{count} answers");
  $("#answers-line").replaceChildren(...textWith(words, { count }));
}

// The kinds of question, as the agenda names them.
const PROMPT_KINDS = {
  scale: _("scale"),
  words: _("words"),
  choice: _("choice"),
  mood: _("mood grid"),
  feelings: _("feelings"),
};

/** The status line beside the answers' buttons: in the ended panel once the session is over. */
function answersStatus() {
  return state && state.session.ended ? $("#ended-status") : $("#links-status");
}

async function command(action, fields = {}) {
  const ack = await call("command", { action, ...fields });
  if (ack.ok) showStatus("");
  else showStatus(say(ack.message ?? ack.error), true);
  return ack;
}

// ---------- Rendering ----------

function render() {
  const { step, session } = state;
  main.classList.toggle("session-ended", session.ended);
  $("#live-step").hidden = session.ended;
  $("#ended-panel").hidden = !session.ended;
  if (session.ended) showEnded();
  if (shownStep !== null && shownStep !== step.index && !session.ended) {
    // A new step's notes start at their top, wherever the last step's were scrolled to.
    window.scrollTo({ top: 0 });
  }
  shownStep = step.index;
  const where = { index: formatNumber(step.index + 1), count: formatNumber(step.count) };
  setText(
    $("#step-count"),
    step.auto_advance
      ? _("Step {index} of {count} · moves on by itself when the countdown ends", where)
      : _("Step {index} of {count}", where),
  );
  setText($("#step-title"), step.title);
  setText($("#step-text"), step.text);
  setText($("#notes"), step.notes);
  $("#notes").hidden = !step.notes;
  $("#no-notes").hidden = Boolean(step.notes);
  const nextKey = state.next ? `next:${state.next.title}` : "last";
  if ($("#next-up").dataset.key !== nextKey) {
    $("#next-up").dataset.key = nextKey;
    $("#next-up").replaceChildren(
      ...(state.next ? textWith(_("Next: {title}"), { title: workshopText(state.next.title) }) : [_("This is the last step.")]),
    );
  }
  showConnected(session.participants);
  const join = $("#join-link");
  join.href = session.join_url;
  setText(join, session.join_url);
  // The projector page, spelled out in full so it can be typed on the projector's laptop.
  setText($("#screen-link"), screenPageBeside(session.join_url));
  const report = reportPage(code, token);
  $("#report-link").href = report;
  $("#ended-report").href = report;
  // Nothing is left to delete. (The downloads stay: they say in words why there is nothing.)
  for (const button of document.querySelectorAll("[data-delete]")) button.disabled = Boolean(session.answers_deleted);
  renderAgenda();
  timing.show(step);
  const prompt = step.prompt;
  $("#prompt-controls").hidden = !prompt;
  $("#timer-controls").hidden = !step.timer;
  const nextAsks = state.next && state.agenda[state.next.index].consent;
  $("#consent-controls").hidden = !(step.consent || nextAsks);
  renderConsentControls();
  if (prompt) {
    const flags = {
      "open shown": _("open · shown to the room"),
      "open hidden": _("open · only you see these"),
      "closed shown": _("closed · shown to the room"),
      "closed hidden": _("closed · only you see these"),
    };
    setText($("#revealed-flag"), flags[`${prompt.open ? "open" : "closed"} ${prompt.revealed ? "shown" : "hidden"}`]);
  } else {
    setText($("#revealed-flag"), "");
  }
  enableControls();
  showResults();
  showCare();
}

// What each state of the countdown lets the facilitator do. The buttons and the Space key
// both read it, and the kiosk refuses Start unless the countdown is ready, so 0:00 never
// restarts a step by accident: Reset is the way to run it again.
const TIMER_CONTROLS = {
  ready: { space: "timer_start", enabled: ["timer_start", "timer_add"] },
  running: { space: "timer_pause", enabled: ["timer_pause", "timer_add", "timer_reset"] },
  paused: { space: "timer_resume", enabled: ["timer_resume", "timer_add", "timer_reset"] },
  finished: { space: null, enabled: ["timer_add", "timer_reset"] },
};

function timerControls() {
  const timer = state && state.step.timer;
  return timer ? TIMER_CONTROLS[timerStatus(timer, clock.now())] : { space: null, enabled: [] };
}

/** Only the controls that would change something are enabled. */
function enableControls() {
  const { step, session } = state;
  const timer = timerControls().enabled;
  const prompt = step.prompt;
  const open = !session.answers_deleted;
  const can = {
    prev: step.index > 0,
    next: step.index < step.count - 1,
    timer_start: timer.includes("timer_start"),
    timer_pause: timer.includes("timer_pause"),
    timer_resume: timer.includes("timer_resume"),
    timer_add: timer.includes("timer_add"),
    timer_reset: timer.includes("timer_reset"),
    prompt_open: Boolean(prompt && !prompt.open && open),
    prompt_close: Boolean(prompt && prompt.open),
    reveal: Boolean(prompt && !prompt.revealed && open),
    hide_results: Boolean(prompt && prompt.revealed),
    consent_open: Boolean(state.consent_target) && !(state.care && state.care.consent && state.care.consent.step_id === state.consent_target.step_id),
    consent_close: Boolean(state.care && state.care.consent),
  };
  for (const button of main.querySelectorAll("button[data-action]")) {
    const action = button.dataset.action;
    button.disabled = session.ended || (action in can && !can[action]);
  }
}

/** "Ask consent" names the touch step it asks about; before a touch step not asked yet, a reminder. */
function renderConsentControls() {
  const target = state.consent_target;
  const ask = $("#consent-controls [data-action=consent_open]");
  ask.dataset.step = target ? target.step_id : "";
  const askKey = target ? `ask:${target.title}` : "ask";
  if (ask.dataset.key !== askKey) {
    ask.dataset.key = askKey;
    ask.replaceChildren(...(target ? textWith(_("Ask consent: {title}"), { title: workshopText(target.title) }) : [_("Ask consent")]));
  }
  const reminder = state.session.ended ? null : state.consent_reminder;
  const line = $("#consent-reminder");
  line.hidden = !reminder;
  const reminderKey = reminder ? reminder.title : "";
  if (line.dataset.key !== reminderKey) {
    line.dataset.key = reminderKey;
    line.replaceChildren(...(reminder ? textWith(_("Next is a touch step, “{title}”: ask the room first."), { title: workshopText(reminder.title) }) : []));
  }
}

function renderAgenda() {
  const list = $("#agenda");
  const key = `${state.version}`;
  if (agendaKey === key) return;
  agendaKey = key;
  const ended = state.session.ended;
  list.replaceChildren(
    ...state.agenda.map((item) => {
      // Once ended the agenda is a record: no current step, and nothing to jump to.
      const here = item.index === state.step.index;
      const className = ended ? (here ? "last-step" : "") : here ? "current" : item.index < state.step.index ? "past" : "";
      const li = el("li", { className });
      const button = el(
        "button",
        {
          type: "button",
          disabled: ended,
          "aria-current": here && !ended ? "step" : undefined,
          title: here && ended ? _("The session ended on this step") : undefined,
          onclick: () => command("goto", { index: item.index }),
        },
        workshopText(`${item.index + 1}. ${item.title}`),
        item.planned_ms
          ? el("span", { className: "planned", text: durationText(item.planned_ms) })
          : el("span", { className: "planned kind", text: PROMPT_KINDS[item.prompt_kind] ?? item.prompt_kind ?? "" }),
      );
      li.append(button);
      return li;
    }),
  );
}

function updatePlan() {
  if (!state) return;
  if (state.session.ended) {
    const took = state.session.ended_ms ? durationText(Math.max(0, state.session.ended_ms - state.session.created_ms)) : "–";
    setText($("#plan-total"), _("Ended after {took} · plan {plan} of timed steps", { took, plan: durationText(state.workshop.planned_ms) }));
    return;
  }
  const plannedSoFar = state.agenda.slice(0, state.step.index).reduce((sum, item) => sum + (item.planned_ms || 0), 0);
  const running = Math.max(0, clock.now() - state.session.created_ms);
  const drift = running - plannedSoFar;
  // Durations stay m:ss with Latin digits in every language, as the countdown does.
  setText(
    $("#plan-total"),
    _("Plan {plan} of timed steps · running {running} · plan to here {planned} ({drift})", {
      plan: durationText(state.workshop.planned_ms),
      running: durationText(running),
      planned: durationText(plannedSoFar),
      drift: `${drift >= 0 ? "+" : "−"}${durationText(Math.abs(drift))}`,
    }),
  );
}

function showResults() {
  const box = $("#results");
  const results = state.results;
  showAnswerCount(results);
  if (state.session.answers_deleted && state.step.prompt) {
    box.replaceChildren(el("p", { className: "meta", text: _("The answers of this session were deleted; it takes no more answers.") }));
    return;
  }
  if (!results) {
    box.replaceChildren(el("p", { className: "meta", text: _("This step asks no question.") }));
    return;
  }
  renderResults(box, results, {
    console: true,
    onToggle: (answerId, hide) => command(hide ? "hide_response" : "show_response", { answer_id: answerId }),
  });
  if (results.threshold && results.count < results.threshold) {
    box.prepend(el("p", { className: "meta", text: ngettext("The room sees results from {n} answer on.", "The room sees results from {n} answers on.", results.threshold) }));
  }
}

function showCare() {
  const box = $("#care");
  // An ended session has no room to care for: its last counts would only look live.
  const care = (!state.session.ended && state.care) || {};
  const lines = [];
  if (care.need_moment) {
    lines.push(el("p", { className: "care-line gentle", text: ngettext("{n} person needs a moment", "{n} people need a moment", care.need_moment) }));
  }
  // Counts only, never who: the running touch step's stay after "Stop asking".
  const counts = (c) =>
    _("{join} join · {alternative} alternative · {skip} sit out", {
      join: formatNumber(c.join),
      alternative: formatNumber(c.alternative),
      skip: formatNumber(c.skip),
    });
  const here = care.step_consent;
  if (here) {
    const asked = here.asking ? _("still asking") : here.asked ? _("no longer asking") : _("not asked yet: ask the room before you start");
    const words = _("Consent for “{title}”: {counts} ({asked})", { counts: counts(here), asked });
    lines.push(el("p", { className: "care-line", id: "step-consent" }, ...textWith(words, { title: workshopText(here.title) })));
  }
  if (care.consent && !(here && here.step_id === care.consent.step_id)) {
    const words = _("Asking about “{title}”: {counts}", { counts: counts(care.consent) });
    lines.push(el("p", { className: "care-line", id: "asked-consent" }, ...textWith(words, { title: workshopText(care.consent.title) })));
  }
  if (care.done) {
    lines.push(el("p", { className: "care-line", text: _("{done} of {of} done", { done: formatNumber(care.done.done), of: formatNumber(care.done.of) }) }));
  }
  if (state.session.answers_deleted) lines.push(el("p", { className: "care-line", text: _("This session's answers were deleted.") }));
  box.replaceChildren(...lines);
}

/** The ended panel: when it ended, where, and what is left to do. */
function showEnded() {
  const { session, step } = state;
  // The time of day the page's language's way (24 h or AM/PM, its digits).
  const at = session.ended_ms ? new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(new Date(session.ended_ms)) : null;
  const where = { index: formatNumber(step.index + 1), count: formatNumber(step.count) };
  const words = at
    ? _("It ended at {time} on step {index} of {count} ({title}). Phones and the projector show a goodbye, and no more answers are taken.", { time: at, ...where })
    : _("It ended on step {index} of {count} ({title}). Phones and the projector show a goodbye, and no more answers are taken.", where);
  const summaryKey = `${words}|${step.title}`;
  if ($("#ended-summary").dataset.key !== summaryKey) {
    $("#ended-summary").dataset.key = summaryKey;
    $("#ended-summary").replaceChildren(...textWith(words, { title: workshopText(step.title) }));
  }
  $("#ended-exports").hidden = Boolean(session.answers_deleted);
  $("#ended-delete").hidden = Boolean(session.answers_deleted);
  $("#ended-deleted").hidden = !session.answers_deleted;
  updatePlan();
}

eachFrame(() => {
  if (state && !state.session.ended) timing.update(state.step, clock.now());
});
setInterval(() => {
  updatePlan();
  if (state) enableControls(); // a countdown that runs out changes what Pause can do
}, 1000);

// ---------- Controls ----------

for (const button of main.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", () => {
    const fields = button.dataset.seconds ? { seconds: Number(button.dataset.seconds) } : {};
    if (button.dataset.step) fields.step_id = button.dataset.step; // the step "Ask consent" names
    command(button.dataset.action, fields);
  });
}

function startOrPause() {
  if (!state || !state.step.timer) return;
  const { space } = timerControls();
  if (space) command(space);
  else showStatus(_("The countdown has ended: Reset runs it again, +30 s adds time."), true);
}

document.addEventListener("keydown", (event) => {
  if (!state || state.session.ended || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.repeat) {
    // A held key is one press: holding → must not skip through the whole agenda.
    if (["ArrowRight", "ArrowLeft", " ", "r", "R"].includes(event.key)) event.preventDefault();
    return;
  }
  if (event.key === "ArrowRight") command("next");
  else if (event.key === "ArrowLeft") command("prev");
  else if (event.key === " ") {
    event.preventDefault();
    startOrPause();
  } else if (event.key === "r" || event.key === "R") {
    if (state.step.prompt) command(state.step.prompt.revealed ? "hide_results" : "reveal");
  } else return;
});

// Space means the timer here, never "press the focused button" (it fires on keyup).
document.addEventListener("keyup", (event) => {
  if (event.key === " " && !event.target.closest("input, textarea, select, [contenteditable]")) event.preventDefault();
});

$("#end").addEventListener("click", async () => {
  const line = $("#links-status");
  if (!window.confirm(_("End the session for everyone? Answers close and phones show a goodbye."))) {
    tell(line, "");
    return;
  }
  const ack = await call("command", { action: "end" });
  tell(line, ack.ok ? "" : say(ack.message ?? ack.error), ack.ok ? "" : "problem");
});

async function deleteAnswers() {
  const line = answersStatus();
  const typed = window.prompt(_("This erases every answer of this session for good. Type the join code {code} to confirm.", { code }));
  if (typed === null) {
    tell(line, ""); // cancelled: an earlier complaint no longer applies
    return;
  }
  if (!typed.trim()) {
    tell(line, _("Nothing was deleted: type the join code {code} to confirm.", { code }), "problem");
    return;
  }
  const ack = await call("command", { action: "delete_answers", confirm: typed });
  if (ack.ok) {
    tell(answersStatus(), _("Deleted: every answer and consent choice of this session is gone for good."), "done");
  } else {
    tell(answersStatus(), say(ack.message ?? ack.error), "problem");
  }
}
for (const button of document.querySelectorAll("[data-delete]")) button.addEventListener("click", deleteAnswers);
for (const button of document.querySelectorAll("[data-export]")) {
  const kind = button.dataset.export;
  button.addEventListener("click", async () => {
    const problem = await downloadExport(code, kind, headers);
    tell(answersStatus(), problem, problem ? "problem" : "");
  });
}
