// The projector: how to join, then the room's step, a big countdown, the pacer and results.

import { connect } from "./connection.js";
import { $, eachFrame, el, setText, textWith } from "./dom.js";
import { _, formatNumber, ngettext } from "./i18n.js";
import { renderRoomResults } from "./results.js";
import { chime } from "./sound.js";
import { previewFeed } from "./studio-preview-feed.js";
import { TimingPanel } from "./widgets.js";

const main = $("main.screen");
const code = main.dataset.code;
const WALL = 12; // words answers shown in full, newest first
let state = null;
const timing = new TimingPanel($("#timing"), { waiting: _("Waiting for the facilitator to start") });
let lastSeconds = null;
let participants = 0;

// In the studio the page previews the step being edited: the editor feeds it, not a session.
const feed = main.dataset.preview ? previewFeed : connect;
const { clock } = feed("/screen", { code }, {
  onState(next) {
    const changed = !state || state.step.id !== next.step.id;
    state = next;
    if (typeof next.session.participants === "number") participants = next.session.participants;
    render(changed);
  },
  events: {
    presence(payload) {
      if (payload && typeof payload.participants === "number") {
        participants = payload.participants;
        showCount();
      }
    },
    results(results) {
      const prompt = state && state.step.prompt;
      if (prompt && prompt.revealed && results && results.prompt_id === prompt.id) {
        state.results = results;
        showResults(results);
      }
    },
  },
});

/** lobby (join instructions), stage (the step), farewell (the last words), or ended. */
function modeOf({ step, session }) {
  if (session.ended) return "ended";
  const plain = !step.timer && !step.prompt;
  // The last step is a goodbye: its words alone, with no invitation to join.
  if (plain && step.index > 0 && step.index === step.count - 1) return "farewell";
  if (step.index === 0 || plain) return "lobby";
  return "stage";
}

let shownCount = null;
function showCount() {
  if (shownCount === participants) return;
  shownCount = participants;
  // Translators: {count} is the number of phones that joined, shown big on the projector.
  const words = ngettext("{count} joined", "{count} joined", participants);
  const count = el("span", { id: "participants", className: "count", text: formatNumber(participants) });
  $("#head-count").replaceChildren(...textWith(words, { count }));
  $("#corner-count").replaceChildren(...textWith(words, { count: formatNumber(participants) }));
}

function render(changed) {
  const { step, session } = state;
  const mode = modeOf(state);
  main.dataset.mode = mode;
  main.dataset.step = String(step.index);
  showCount();
  const where = { index: formatNumber(step.index + 1), count: formatNumber(step.count) };
  setText($("#step-count"), session.ended ? _("Session ended") : _("Step {index} of {count}", where));
  $("#lobby").hidden = mode !== "lobby";
  $("#stage").hidden = mode !== "stage" && mode !== "farewell";
  $("#ended").hidden = mode !== "ended";
  $("#corner-qr").hidden = mode !== "stage";
  // The lobby names the workshop at the start, and the step (a pause, a goodbye) later on.
  setText($("#lobby-title"), step.index === 0 ? session.title : step.title);
  setText($("#lobby-text"), step.text);
  $("#lobby-text").hidden = !step.text;
  setText($("#step-title"), step.title);
  setText($("#step-text"), step.text);
  if (changed) setText($("#announcer"), _("Step {index}: {title}", { index: formatNumber(step.index + 1), title: step.title }));

  if (timing.show(step)) lastSeconds = null;
  if (mode !== "stage") $("#timing").hidden = true;
  $("#timing").classList.toggle("with-pacer", Boolean(step.breathing));

  const prompt = step.prompt;
  $("#question").hidden = !prompt;
  if (prompt) {
    setText($("#question-text"), prompt.question);
    setText($("#question-status"), prompt.revealed ? "" : prompt.open ? _("Answer on your phone") : _("Answers are closed"));
  }
  showResults(state.results);
}

/** Results once revealed: charts, and for words the answers themselves, as typed. */
function showResults(results) {
  const box = $("#results");
  const prompt = state.step.prompt;
  const show = Boolean(results && prompt && prompt.revealed && !state.session.ended);
  box.hidden = !show;
  $("#stage").classList.toggle("has-results", show);
  box.className = `stage-results results-box${show ? ` kind-${results.kind}` : ""}${show && results.shift ? " has-shift" : ""}`;
  if (show) renderRoomResults(box, results, { wall: WALL });
  else box.replaceChildren();
}

// The projector going full screen (or any resize) changes what fits: lay the results out again.
window.addEventListener("resize", () => {
  if (state) showResults(state.results);
});

eachFrame(() => {
  if (state && state.step.timer && !state.session.ended) {
    const { seconds } = timing.update(state.step, clock.now());
    if (state.step.timer.running && lastSeconds > 0 && seconds === 0) chime();
    lastSeconds = seconds;
  }
});

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen?.().catch(() => {});
}
$("#fullscreen").addEventListener("click", toggleFullscreen);
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (event.key === "f" || event.key === "F") {
    event.preventDefault();
    toggleFullscreen();
  }
});
document.addEventListener("fullscreenchange", () => {
  main.classList.toggle("fullscreen", Boolean(document.fullscreenElement));
});
