// The projector: how to join, then the room's step, a big countdown, the pacer and results.

import { renderResults } from "./charts.js";
import { connect } from "./connection.js";
import { $, setText } from "./dom.js";
import { chime } from "./sound.js";
import { TimingPanel } from "./widgets.js";

const main = $("main.screen");
const code = main.dataset.code;
let state = null;
const timing = new TimingPanel($("#timing"));
let lastSeconds = null;

const { clock } = connect("/screen", { code }, {
  onState(next) {
    const changed = !state || state.step.id !== next.step.id;
    state = next;
    render(changed);
  },
  events: {
    presence({ participants }) {
      setText($("#participants"), String(participants));
    },
    results(results) {
      if (state && state.step.prompt && state.step.prompt.revealed) showResults(results);
    },
  },
});

function render(changed) {
  const { step, session } = state;
  setText($("#participants"), String(session.participants ?? 0));
  setText($("#step-count"), session.ended ? "Session ended" : `Step ${step.index + 1} of ${step.count}`);
  const lobby = step.index === 0 && !step.timer && !step.prompt;
  $("#lobby").hidden = !lobby;
  $("#stage").hidden = lobby;
  $("#corner-qr").hidden = lobby || session.ended;
  setText($("#step-title"), session.ended ? "Thank you" : step.title);
  setText($("#step-text"), session.ended ? "The session has ended." : step.text);
  if (changed) setText($("#announcer"), `Step ${step.index + 1}: ${step.title}`);
  if (timing.show(step)) lastSeconds = null;
  if (session.ended) $("#timing").hidden = true;
  $("#stage").classList.toggle("no-timer", !step.timer || session.ended);
  showResults(state.results);
}

function showResults(results) {
  const box = $("#results");
  const show = results && state.step.prompt && state.step.prompt.revealed;
  box.hidden = !show;
  if (show) renderResults(box, results);
  else box.replaceChildren();
}

function frame() {
  if (state && state.step.timer && !state.session.ended) {
    const { seconds } = timing.update(state.step, clock.now());
    if (state.step.timer.running && lastSeconds > 0 && seconds === 0) chime();
    lastSeconds = seconds;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen?.().catch(() => {});
}
$("#fullscreen").addEventListener("click", toggleFullscreen);
document.addEventListener("keydown", (event) => {
  if ((event.key === "f" || event.key === "F") && !event.ctrlKey && !event.metaKey) toggleFullscreen();
});
