// The phone's consent choices before a touch step: the question asked ahead of it (a card),
// the person's own choice on the step itself (one line), and their own version of the step
// when they do the alternative or sit out. Only counts ever reach the facilitator.

import { $, el, setText } from "./dom.js";
import { _, say } from "./i18n.js";
import { announce, room, workshopText } from "./phone-room.js";

/** Mark `node` as showing the workshop's words (its language) or the page's own. */
function workshopWords(node, yes) {
  node.classList.toggle("user-text", yes);
  for (const [name, value] of Object.entries(workshopText)) {
    if (yes) node.setAttribute(name, value);
    else node.removeAttribute(name);
  }
}

/**
 * Someone doing the alternative or sitting out reads their own version of the step in place
 * of the partner exercise's text, which also keeps the countdown on screen.
 */
export function renderAlternative(step) {
  const box = $("#alternative");
  const choice = step.consent ? room.mine.consent[step.id] : null;
  const ownVersion = Boolean(step.consent && choice && choice !== "join");
  $("#step-text").hidden = ownVersion;
  if (!ownVersion) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const alternative = choice === "alternative";
  workshopWords($("#alternative-title"), alternative);
  workshopWords($("#alternative-text"), alternative);
  if (alternative) {
    setText($("#alternative-title"), step.consent.alternative.title);
    setText($("#alternative-text"), step.consent.alternative.text);
  } else {
    setText($("#alternative-title"), _("You are sitting this one out"));
    setText($("#alternative-text"), _("Rest, breathe, or simply watch. Nobody can see your choice."));
  }
}

// A consent choice that was refused or not sent, said where it was made: {step, choice, text}.
let consentProblem = null;
// The touch step whose choice is being changed on the step itself (its options are open).
let changingChoice = null;
let lastAsked = "";
const CHOSEN = {
  join: () => _("You chose to join in"),
  alternative: () => _("You chose the alternative"),
  skip: () => _("You chose to sit this one out"),
};

function consentProblemFor(stepId) {
  if (!consentProblem || consentProblem.step !== stepId) return "";
  // It did arrive after all (the kiosk's own record says so): nothing to report.
  return room.mine.consent[stepId] === consentProblem.choice ? "" : consentProblem.text;
}

/** The question about the next touch step, asked ahead of it: a full card below the timing. */
export function renderConsent() {
  const box = $("#consent");
  const ask = room.state.consent_ask;
  // A refusal, or a change begun, belongs to the question it answered: a new one starts clean.
  const asked = ask ? ask.step_id : "";
  if (asked !== lastAsked) {
    lastAsked = asked;
    consentProblem = null;
    changingChoice = null;
  }
  // On the touch step itself the choice is made in one compact line instead (renderMyChoice).
  if (!ask || ask.step_id === room.state.step.id) {
    box.hidden = true;
    box.replaceChildren();
    box.dataset.step = "";
    return;
  }
  const chosen = room.mine.consent[ask.step_id] || null;
  const problem = consentProblemFor(ask.step_id);
  const key = `${chosen}|${problem}`;
  if (box.dataset.step === ask.step_id && box.dataset.chosen === key) return;
  box.dataset.step = ask.step_id;
  box.dataset.chosen = key;
  box.hidden = false;
  const options = [
    ["join", _("Join in")],
    ["alternative", _("Do the alternative: {title}", { title: ask.alternative.title })],
    ["skip", _("Sit this one out")],
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
  const received = problem || (chosen ? _("Choice received ✓ (you can change it)") : "");
  box.replaceChildren(
    el("h2", { id: "consent-question", className: "user-text", ...workshopText, text: ask.question }),
    el("p", { className: "meta", text: _("Your choice is private: the facilitator only sees how many chose each.") }),
    el("div", { className: "choices" }, ...buttons),
    el("p", { className: `received${problem ? " error" : ""}`, role: "status", text: received }),
  );
}

/**
 * On a touch step, the person's own choice in one line ("You chose the alternative · Change"),
 * or, while the room is asked and they have not chosen, three small buttons: never a card
 * that pushes the countdown off the screen.
 */
export function renderMyChoice(step) {
  const box = $("#my-choice");
  const ask = room.state.consent_ask;
  const askingHere = Boolean(step.consent && ask && ask.step_id === step.id);
  const chosen = step.consent ? room.mine.consent[step.id] || null : null;
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
        el("strong", { text: CHOSEN[chosen]() }),
        askingHere
          ? el("button", {
              type: "button",
              id: "change-choice",
              className: "button small",
              "aria-label": _("Change your choice"),
              text: _("Change"),
              onclick: () => {
                changingChoice = step.id;
                room.render(false);
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
    ["join", _("Join in")],
    ["alternative", step.consent.alternative.title],
    ["skip", _("Sit out")],
  ];
  box.replaceChildren(
    el("p", {
      id: "my-choice-label",
      className: "my-choice-label",
      text: chosen ? _("Change your choice. Only counts reach the facilitator.") : _("Will you join in? Only counts reach the facilitator."),
    }),
    el(
      "div",
      { className: "my-choice-options", role: "group", "aria-labelledby": "my-choice-label" },
      ...options.map(([choice, label]) =>
        el("button", {
          type: "button",
          // Only the alternative's title is the workshop's words; the others are the page's.
          className: `button small${choice === "alternative" ? " user-text" : ""}${chosen === choice ? " selected" : ""}`,
          ...(choice === "alternative" ? workshopText : {}),
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
  const ack = await room.call("consent", { step_id: stepId, choice });
  if (ack.ok) {
    room.mine.consent = { ...room.mine.consent, [stepId]: choice };
    consentProblem = null;
    const wasChanging = changingChoice === stepId;
    changingChoice = null;
    room.render(false);
    if (wasChanging) $("#change-choice")?.focus();
    announce(_("Choice received. Only counts reach the facilitator."));
  } else {
    const text = ack.timeout
      ? _("Your choice was not sent: no answer from the kiosk. Check your connection and tap it again.")
      : _("Your choice was not saved: {reason}. Choices are taken while the facilitator asks for them.", { reason: say(ack.message ?? ack.error) });
    consentProblem = { step: stepId, choice, text };
    room.render(false);
  }
}
