// The participant's phone: follow the room, answer anonymously, opt out quietly.

import { countCharacters, exactCount, foldAnswer } from "./characters.js";
import { renderResults } from "./charts.js";
import { connect } from "./connection.js";
import { $, el, setText } from "./dom.js";
import { Outbox } from "./outbox.js";
import { renderRoomResults } from "./results.js";
import { PHASE_CUES, WakeLock, chime, enableSound, soundOn, tone, vibrate } from "./sound.js";
import { SoundOffer } from "./sound-offer.js";
import { breathPhase } from "./timer.js";
import { TimingPanel } from "./widgets.js";

const main = $("main.phone");
const code = main.dataset.code;
// The phone's id is the kiosk's to give: it comes in an HttpOnly cookie with this page and
// goes back with the connection by itself (docs/protocol.md). Older pages kept an id of their
// own making here; it counts for nothing now, so it is not left behind.
localStorage.removeItem("attune.pid");

const outbox = new Outbox(code);
const wakeLock = new WakeLock();
const announcer = $("#announcer");
let state = null;
let mine = { answers: {}, consent: {}, need_moment: false, done: [] };
let promptKey = null; // which prompt the form on screen belongs to (kept while typing)
const timing = new TimingPanel($("#timing"));
const soundOffer = new SoundOffer($("#sound-offer"), code);
let lastSeconds = null;
let lastPhase = null;
let eyesClosed = false;

const { socket, clock, call } = connect("/participant", { code }, {
  onState(next) {
    const stepChanged = !state || state.step.id !== next.step.id;
    if (next.session.answers_deleted && !(state && state.session.answers_deleted)) forgetDeletedAnswers();
    state = next;
    if (stepChanged) clearAnswerNotice("received");
    $("#refused").hidden = true;
    render(stepChanged);
  },
  onRefused(trouble) {
    // A phone that was in the room keeps its step on screen; the banner says what happened.
    if (state) return false;
    setText($("#refused-message"), trouble.card.message);
    setText($("#refused-next"), trouble.card.next);
    $("#refused").hidden = false;
    $("#live").hidden = true;
    $(".phone-tools").hidden = true;
    return true;
  },
  events: {
    mine(payload) {
      mine = payload;
      render(false);
    },
    results(results) {
      if (state && state.step.prompt && state.step.prompt.revealed) showResults(results);
    },
  },
});
socket.on("connect", () => flushOutbox());

function announce(text) {
  announcer.textContent = "";
  // A fresh text node each time, so screen readers announce a repeat too.
  setTimeout(() => {
    announcer.textContent = text;
  }, 30);
}

// ---------- Rendering ----------

function render(stepChanged) {
  if (!state) return;
  const { step, session } = state;
  $("#ended").hidden = !session.ended;
  $("#live").hidden = session.ended;
  $(".phone-tools").hidden = session.ended;
  soundOffer.update(step, session.ended);
  setText($("#step-count"), `Step ${step.index + 1} of ${step.count}`);
  setText($("#step-title"), step.title);
  setText($("#step-text"), step.text);
  const context = $("#step-context");
  context.hidden = !step.context;
  setText(context, step.context);
  if (stepChanged) announce(`Step ${step.index + 1} of ${step.count}: ${step.title}`);
  renderTiming(step);
  renderConsent();
  renderMyChoice(step);
  renderAlternative(step);
  renderPrompt(step.prompt);
  renderDone(step);
  showResults(state.results);
  $("#eyes").hidden = !step.timer;
  if (!step.timer && eyesClosed) setEyesClosed(false);
  setText($("#need-moment"), mine.need_moment ? "I'm OK again" : "I need a moment");
  $("#need-moment").setAttribute("aria-pressed", String(Boolean(mine.need_moment)));
}

function renderTiming(step) {
  if (timing.show(step)) {
    lastSeconds = null;
    lastPhase = null;
  }
}

function renderAlternative(step) {
  const box = $("#alternative");
  const choice = step.consent ? mine.consent[step.id] : null;
  const ownVersion = Boolean(step.consent && choice && choice !== "join");
  // Someone doing the alternative or sitting out reads their own version of the step in place
  // of the partner exercise's text, which also keeps the countdown on screen.
  $("#step-text").hidden = ownVersion;
  if (!ownVersion) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  if (choice === "alternative") {
    setText($("#alternative-title"), step.consent.alternative.title);
    setText($("#alternative-text"), step.consent.alternative.text);
  } else {
    setText($("#alternative-title"), "You are sitting this one out");
    setText($("#alternative-text"), "Rest, breathe, or simply watch. Nobody can see your choice.");
  }
}

// A consent choice that was refused or not sent, said where it was made: {step, choice, text}.
let consentProblem = null;
// The touch step whose choice is being changed on the step itself (its options are open).
let changingChoice = null;
let lastAsked = "";
const CHOSEN = { join: "to join in", alternative: "the alternative", skip: "to sit this one out" };

function consentProblemFor(stepId) {
  if (!consentProblem || consentProblem.step !== stepId) return "";
  // It did arrive after all (the kiosk's own record says so): nothing to report.
  return mine.consent[stepId] === consentProblem.choice ? "" : consentProblem.text;
}

/** The question about the next touch step, asked ahead of it: a full card below the timing. */
function renderConsent() {
  const box = $("#consent");
  const ask = state.consent_ask;
  // A refusal, or a change begun, belongs to the question it answered: a new one starts clean.
  const asked = ask ? ask.step_id : "";
  if (asked !== lastAsked) {
    lastAsked = asked;
    consentProblem = null;
    changingChoice = null;
  }
  // On the touch step itself the choice is made in one compact line instead (renderMyChoice).
  if (!ask || ask.step_id === state.step.id) {
    box.hidden = true;
    box.replaceChildren();
    box.dataset.step = "";
    return;
  }
  const chosen = mine.consent[ask.step_id] || null;
  const problem = consentProblemFor(ask.step_id);
  const key = `${chosen}|${problem}`;
  if (box.dataset.step === ask.step_id && box.dataset.chosen === key) return;
  box.dataset.step = ask.step_id;
  box.dataset.chosen = key;
  box.hidden = false;
  const options = [
    ["join", "Join in"],
    ["alternative", `Do the alternative: ${ask.alternative.title}`],
    ["skip", "Sit this one out"],
  ];
  const buttons = options.map(([choice, label]) =>
    el("button", {
      type: "button",
      className: `button${chosen === choice ? " selected" : ""}`,
      "aria-pressed": String(chosen === choice),
      text: label,
      onclick: () => chooseConsent(ask.step_id, choice),
    }),
  );
  const received = problem || (chosen ? "Choice received ✓ (you can change it)" : "");
  box.replaceChildren(
    el("h2", { id: "consent-question", className: "user-text", text: ask.question }),
    el("p", { className: "meta", text: "Your choice is private: the facilitator only sees how many chose each." }),
    el("div", { className: "choices" }, ...buttons),
    el("p", { className: `received${problem ? " error" : ""}`, role: "status", text: received }),
  );
}

/**
 * On a touch step, the person's own choice in one line ("You chose the alternative · Change"),
 * or, while the room is asked and they have not chosen, three small buttons: never a card
 * that pushes the countdown off the screen.
 */
function renderMyChoice(step) {
  const box = $("#my-choice");
  const ask = state.consent_ask;
  const askingHere = Boolean(step.consent && ask && ask.step_id === step.id);
  const chosen = step.consent ? mine.consent[step.id] || null : null;
  const open = askingHere && (!chosen || changingChoice === step.id);
  const problem = consentProblemFor(step.id);
  const key = JSON.stringify([step.id, chosen, askingHere, open, problem]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (!step.consent || (!chosen && !askingHere)) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  const said = problem ? el("p", { className: "error", role: "alert", text: problem }) : null;
  if (!open) {
    box.replaceChildren(
      el(
        "p",
        { className: "my-choice-line" },
        el("span", {}, "You chose ", el("strong", { text: CHOSEN[chosen] })),
        askingHere
          ? el("button", {
              type: "button",
              id: "change-choice",
              className: "button small",
              "aria-label": "Change your choice",
              text: "Change",
              onclick: () => {
                changingChoice = step.id;
                render(false);
                $("#my-choice button")?.focus();
              },
            })
          : null,
      ),
      ...(said ? [said] : []),
    );
    return;
  }
  const options = [
    ["join", "Join in"],
    ["alternative", step.consent.alternative.title],
    ["skip", "Sit out"],
  ];
  box.replaceChildren(
    el("p", {
      id: "my-choice-label",
      className: "my-choice-label",
      text: chosen ? "Change your choice. Only counts reach the facilitator." : "Will you join in? Only counts reach the facilitator.",
    }),
    el(
      "div",
      { className: "my-choice-options", role: "group", "aria-labelledby": "my-choice-label" },
      ...options.map(([choice, label]) =>
        el("button", {
          type: "button",
          className: `button small user-text${chosen === choice ? " selected" : ""}`,
          "aria-pressed": String(chosen === choice),
          text: label,
          onclick: () => chooseConsent(step.id, choice),
        }),
      ),
    ),
    ...(said ? [said] : []),
  );
}

async function chooseConsent(stepId, choice) {
  const ack = await call("consent", { step_id: stepId, choice });
  if (ack.ok) {
    mine.consent = { ...mine.consent, [stepId]: choice };
    consentProblem = null;
    const wasChanging = changingChoice === stepId;
    changingChoice = null;
    render(false);
    if (wasChanging) $("#change-choice")?.focus();
    announce("Choice received. Only counts reach the facilitator.");
  } else {
    const text = ack.timeout
      ? "Your choice was not sent: no answer from the kiosk. Check your connection and tap it again."
      : `Your choice was not saved: ${ack.error}. Choices are taken while the facilitator asks for them.`;
    consentProblem = { step: stepId, choice, text };
    render(false);
  }
}

function renderPrompt(prompt) {
  const box = $("#prompt");
  if (!prompt) {
    box.hidden = true;
    box.replaceChildren();
    promptKey = null;
    return;
  }
  box.hidden = false;
  const deleted = Boolean(state.session.answers_deleted);
  const key = `${prompt.id}:${prompt.open}:${deleted}`;
  const answer = pendingOrMine(prompt.id);
  if (key === promptKey) {
    markSelection(prompt, answer);
    return;
  }
  promptKey = key;
  const heading = el("h3", { id: "prompt-question", className: "user-text", text: prompt.question });
  const received = el("p", { id: "received", className: "received", role: "status" });
  if (!prompt.open) {
    const closed = deleted ? "The facilitator deleted this session's answers; answers are closed." : "Answers are closed.";
    box.replaceChildren(heading, el("p", { className: "prompt-closed", text: closed }), received);
    if (outbox.pending(prompt.id)) setText(received, "Your answer is still being sent…");
    else if (answer !== undefined) setText(received, `Your answer: ${answer}`);
    return;
  }
  let body;
  if (prompt.kind === "scale") body = scaleInput(prompt);
  else if (prompt.kind === "choice") body = choiceInput(prompt);
  else body = wordsInput(prompt, answer);
  box.replaceChildren(heading, body, received);
  markSelection(prompt, answer);
}

function scaleInput(prompt) {
  const { min, max, min_label: low, max_label: high } = prompt.scale;
  const row = el("div", { className: "scale-row", role: "group", "aria-labelledby": "prompt-question" });
  for (let value = min; value <= max; value += 1) {
    const label = value === min && low ? `${value}, ${low}` : value === max && high ? `${value}, ${high}` : String(value);
    row.append(el("button", { type: "button", className: "button", dataset: { value: String(value) }, "aria-label": label, "aria-pressed": "false", text: String(value), onclick: () => answer(prompt.id, value) }));
  }
  return el("div", {}, row, el("div", { className: "scale-labels", "aria-hidden": "true" }, el("span", { className: "user-text", text: low }), el("span", { className: "user-text", text: high })));
}

function choiceInput(prompt) {
  return el(
    "div",
    { className: "choices", role: "group", "aria-labelledby": "prompt-question" },
    ...prompt.options.map((option) =>
      el("button", { type: "button", className: "button user-text", dataset: { value: option }, "aria-pressed": "false", text: option, onclick: () => answer(prompt.id, option) }),
    ),
  );
}

function wordsInput(prompt, current) {
  const limit = prompt.max_length;
  // No `maxlength`: it counts UTF-16 units (an emoji is 2 to 11) and stops typing without a
  // word. Typing goes on past the limit; the page says so and Send explains what to do.
  const area = el("textarea", { id: "words", rows: 3, "aria-labelledby": "prompt-question", "aria-describedby": "words-count words-limit" });
  area.value = typeof current === "string" ? current : "";
  const counter = el("span", { id: "words-count", className: "meta", "aria-live": "off" });
  // Spoken once when the limit is reached or passed, not on every key.
  const limitNote = el("span", { id: "words-limit", className: "meta", role: "status" });
  let refusedHere = false;
  const used = () => countCharacters(foldAnswer(area.value));
  const updateCount = () => {
    const count = used();
    setText(counter, `${count} / ${limit}`);
    const excess = count - limit;
    setText(limitNote, excess === 0 ? "— that's the limit" : excess > 0 ? `— ${excess} over the limit` : "");
    limitNote.classList.toggle("error", excess > 0);
    area.setAttribute("aria-invalid", String(excess > 0));
    if (refusedHere && excess <= 0) {
      refusedHere = false;
      showReceived("");
    }
  };
  area.addEventListener("input", updateCount);
  updateCount();
  const send = el("button", { type: "submit", className: "button primary", text: "Send" });
  const form = el("form", { className: "words" }, area, el("div", { className: "words-row" }, el("span", {}, counter, " ", limitNote), send));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    const count = used();
    const excess = count - limit;
    // Without Intl.Segmenter the count is only an upper bound: the kiosk decides then.
    if (excess > 0 && exactCount) {
      refusedHere = true;
      const characters = excess === 1 ? "character" : "characters";
      showReceived(`Your answer is ${count} characters long and the limit is ${limit}: please shorten it by ${excess} ${characters} and send it again.`, true);
      area.focus();
      return;
    }
    if (text) answer(prompt.id, text);
  });
  return form;
}

function pendingOrMine(promptId) {
  const pending = outbox.pending(promptId);
  if (pending) return pending.value;
  return mine.answers[promptId];
}

function markSelection(prompt, value) {
  for (const button of $("#prompt").querySelectorAll("button[data-value]")) {
    const selected = value !== undefined && button.dataset.value === String(value);
    button.classList.toggle("selected", selected);
    button.setAttribute("aria-pressed", String(selected));
  }
  const received = $("#received");
  if (!received || received.dataset.error) return;
  if (outbox.pending(prompt.id)) {
    received.dataset.state = "sending";
    setText(received, "Sending… (it will arrive when you are back online)");
  } else if (value !== undefined && prompt.open) showAccepted(received);
  else if (value === undefined && received.dataset.state) {
    // Nothing of this phone's is stored for the prompt (refused, or deleted): say nothing
    // was received rather than keep a "Received ✓" the kiosk does not back.
    received.dataset.state = "";
    received.replaceChildren();
  }
}

function showAccepted(received) {
  if (!received || received.dataset.state === "received") return;
  received.dataset.state = "received";
  received.dataset.error = "";
  received.classList.remove("error");
  received.replaceChildren(
    el("strong", { text: "Received ✓" }),
    el("span", { className: "received-hint", text: "You can change your answer while the question is open." }),
  );
}

function showReceived(text, problem = false) {
  const received = $("#received");
  if (!received) return;
  received.dataset.error = problem ? "1" : "";
  received.dataset.state = problem ? "error" : "";
  received.classList.toggle("error", problem);
  setText(received, text);
}

// ---------- Answers (outbox) ----------

function answer(promptId, value) {
  // The time it was given, in server time: if the question closes before this phone is back
  // online, the kiosk counts the answer only if it was given while the question was open.
  outbox.put(promptId, value, { answeredMs: Math.round(clock.now()), question: state.step.prompt.question });
  showReceived("Sending…");
  markSelection(state.step.prompt, value);
  flushOutbox();
}

let flushing = false;
async function flushOutbox() {
  if (flushing || !socket.connected) return;
  flushing = true;
  try {
    for (const entry of Object.values(outbox.all())) {
      const ack = await call("respond", Outbox.message(entry));
      if (ack.timeout) break; // still away: the next connect sends it again
      if (!ack.ok && /too many messages/.test(ack.error || "")) break; // only slowed: try again soon
      outbox.done(entry.prompt_id, entry.answer_id);
      const prompt = state && state.step.prompt;
      const onScreen = Boolean(prompt && prompt.id === entry.prompt_id && prompt.open);
      const about = entry.question ? `Your answer to “${entry.question}”` : "Your answer";
      if (ack.ok) {
        mine.answers = { ...mine.answers, [ack.prompt_id]: ack.value };
        if (onScreen) {
          showAccepted($("#received"));
          markSelection(prompt, ack.value);
        } else {
          // The room moved on (or the question closed) while this phone was away; the kiosk
          // still counted it, because it was given while the question was open.
          if (prompt && prompt.id === entry.prompt_id) {
            promptKey = null;
            render(false);
          }
          showAnswerNotice(`${about} was received ✓ (sent when you were back online).`, "received");
        }
      } else {
        // Refused: the selection goes back to what the kiosk has, and the person is told.
        if (onScreen) {
          markSelection(prompt, pendingOrMine(prompt.id));
          showReceived(ack.error, true);
        } else {
          if (prompt && prompt.id === entry.prompt_id) {
            promptKey = null;
            render(false);
          }
          showAnswerNotice(`${about} was not counted: ${ack.error}.`, "refused");
        }
      }
    }
  } finally {
    flushing = false;
  }
}
setInterval(flushOutbox, 5000);

/** A message about an answer sent earlier; a refusal stays until the person taps OK. */
function showAnswerNotice(text, kind) {
  const box = $("#answer-notice");
  box.dataset.kind = kind;
  box.classList.toggle("problem", kind === "refused");
  setText($("#answer-notice-text"), text);
  box.hidden = false;
  announce(text);
}

function clearAnswerNotice(kind) {
  const box = $("#answer-notice");
  if (!kind || box.dataset.kind === kind) box.hidden = true;
}
$("#answer-notice-ok").addEventListener("click", () => clearAnswerNotice());

/** The facilitator deleted the answers: nothing this phone chose is stored any more. */
function forgetDeletedAnswers() {
  mine = { ...mine, answers: {}, consent: {} };
  promptKey = null;
}

// ---------- Done, need a moment, eyes closed, sound ----------

/** Done is per step: being done with one step says nothing about the next that asks. */
function isDone(step) {
  return Array.isArray(mine.done) && mine.done.includes(step.id);
}

let doneShownFor = null;
function renderDone(step) {
  $("#done-row").hidden = !step.done;
  if (doneShownFor !== step.id) {
    doneShownFor = step.id;
    $("#done-error").hidden = true;
  }
  const done = isDone(step);
  const button = $("#done");
  button.setAttribute("aria-pressed", String(done));
  button.classList.toggle("selected", done);
  setText(button, done ? "Done ✓ (tap to undo)" : "I'm done");
}

$("#done").addEventListener("click", async () => {
  const step = state.step;
  const kind = isDone(step) ? "undone" : "done";
  // The step goes along, so a tap that arrives after the room moved on marks nothing.
  const ack = await call("signal", { kind, step_id: step.id });
  if (ack.ok) {
    const others = (Array.isArray(mine.done) ? mine.done : []).filter((id) => id !== step.id);
    mine.done = kind === "done" ? [...others, step.id] : others;
    render(false);
  } else {
    setText($("#done-error"), ack.error);
    $("#done-error").hidden = false;
  }
});

$("#need-moment").addEventListener("click", async () => {
  const kind = mine.need_moment ? "ok_again" : "need_moment";
  const ack = await call("signal", { kind });
  if (ack.ok) {
    mine.need_moment = kind === "need_moment";
    render(false);
    announce(mine.need_moment ? "The facilitator sees that someone needs a moment, not who." : "Glad you are OK.");
  }
});

function setEyesClosed(on) {
  eyesClosed = on;
  $("#eyes-closed").hidden = !on;
  document.body.classList.toggle("eyes-closed-mode", on);
  if (on) $("#eyes-closed").focus?.();
}
$("#eyes").addEventListener("click", async () => {
  if (!soundOn()) await enableSound();
  setEyesClosed(true);
});
$("#eyes-closed").addEventListener("click", () => setEyesClosed(false));

// ---------- The frame loop: everything time-based, from server time ----------

function tick() {
  if (!state || state.session.ended) return;
  const { step } = state;
  const now = clock.now();
  const timer = step.timer;
  if (timer) {
    const { seconds, phase } = timing.update(step, now);
    if (timer.running && lastSeconds !== null && seconds !== lastSeconds) {
      if (seconds === 0) {
        chime();
        vibrate([120, 80, 120]);
        announce("Time is up.");
      } else if (seconds <= 10) {
        announce(String(seconds));
      }
    }
    if (eyesClosed && phase && lastPhase && phase !== lastPhase && PHASE_CUES[phase]) {
      tone(PHASE_CUES[phase].tone, 0.6, 0.08);
      vibrate(PHASE_CUES[phase].vibrate);
    }
    lastSeconds = seconds;
    lastPhase = phase;
    const breathingNow = step.breathing && !["ready", "finished"].includes(breathPhase(step.breathing, timer, now).phase);
    wakeLock.set(Boolean((timer.running && seconds > 0) || breathingNow));
  } else {
    wakeLock.set(false);
  }
}
function frame() {
  tick();
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
// Animation frames stop in background tabs; a slow interval keeps the chime in step there.
setInterval(() => {
  if (document.hidden) tick();
}, 500);

function showResults(results) {
  const box = $("#results");
  if (!results || !state.step.prompt || !state.step.prompt.revealed) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  renderRoomResults(box, results, { wall: 8 });
}
