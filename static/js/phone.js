// The participant's phone: follow the room, answer anonymously, opt out quietly.
//
// This module connects and draws the step; its parts, each in a module of its own, share what
// the page knows through phone-room.js: the question and its answer form (phone-prompt.js),
// answers on their way (phone-answers.js), consent choices (phone-consent.js), "done" and "I
// need a moment" (phone-signals.js), and the countdown with its cues (phone-countdown.js).

import { connect } from "./connection.js";
import { $, setText } from "./dom.js";
import { _, formatNumber } from "./i18n.js";
import { answer, clearAnswerNotice, flushOutbox, forgetDeletedAnswers } from "./phone-answers.js";
import { renderAlternative, renderConsent, renderMyChoice } from "./phone-consent.js";
import { renderTiming } from "./phone-countdown.js";
import { renderPrompt } from "./phone-prompt.js";
import { announce, room } from "./phone-room.js";
import { renderDone, renderNeedMoment } from "./phone-signals.js";
import { renderRoomResults } from "./results.js";
import { SoundOffer } from "./sound-offer.js";
import { previewFeed } from "./studio-preview-feed.js";

// The phone's id is the kiosk's to give: it comes in an HttpOnly cookie with this page and
// goes back with the connection by itself (docs/protocol.md). Older pages kept an id of their
// own making here; it counts for nothing now, so it is not left behind.
localStorage.removeItem("attune.pid");

const soundOffer = new SoundOffer($("#sound-offer"), room.code);

// In the studio the page previews the step being edited: the editor feeds it, not a session.
const feed = $("main.phone").dataset.preview ? previewFeed : connect;

room.render = render;
Object.assign(
  room,
  feed("/participant", { code: room.code }, {
    onState(next) {
      const { state } = room;
      const stepChanged = !state || state.step.id !== next.step.id;
      if (next.session.answers_deleted && !(state && state.session.answers_deleted)) forgetDeletedAnswers();
      room.state = next;
      if (stepChanged) clearAnswerNotice("received");
      $("#refused").hidden = true;
      render(stepChanged);
    },
    onRefused(trouble) {
      // A phone that was in the room keeps its step on screen; the banner says what happened.
      if (room.state) return false;
      setText($("#refused-message"), trouble.card.message);
      setText($("#refused-next"), trouble.card.next);
      $("#refused").hidden = false;
      $("#live").hidden = true;
      $(".phone-tools").hidden = true;
      return true;
    },
    events: {
      mine(payload) {
        room.mine = payload;
        render(false);
      },
      results(results) {
        const { state } = room;
        if (state && state.step.prompt && state.step.prompt.revealed) showResults(results);
      },
    },
  }),
);
room.socket.on("connect", () => flushOutbox());

function render(stepChanged) {
  if (!room.state) return;
  const { step, session } = room.state;
  $("#ended").hidden = !session.ended;
  $("#live").hidden = session.ended;
  $(".phone-tools").hidden = session.ended;
  soundOffer.update(step, session.ended);
  const place = { index: formatNumber(step.index + 1), count: formatNumber(step.count) };
  setText($("#step-count"), _("Step {index} of {count}", place));
  setText($("#step-title"), step.title);
  setText($("#step-text"), step.text);
  const context = $("#step-context");
  context.hidden = !step.context;
  setText(context, step.context);
  if (stepChanged) announce(_("Step {index} of {count}: {title}", { ...place, title: step.title }));
  renderTiming(step);
  renderConsent();
  renderMyChoice(step);
  renderAlternative(step);
  renderPrompt(step.prompt, answer);
  renderDone(step);
  showResults(room.state.results);
  renderNeedMoment();
}

function showResults(results) {
  const box = $("#results");
  const prompt = room.state.step.prompt;
  if (!results || !prompt || !prompt.revealed) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  renderRoomResults(box, results, { wall: 8 });
}
