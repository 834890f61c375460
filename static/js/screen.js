// The projector: how to join, then the room's step, a big countdown, the pacer and results.

import { renderResults } from "./charts.js";
import { connect } from "./connection.js";
import { $, setText } from "./dom.js";
import { chime } from "./sound.js";
import { CountdownRing, Pacer } from "./widgets.js";

const main = $("main.screen");
const code = main.dataset.code;
let state = null;
let ring = null;
let pacer = null;
let timingKey = null;
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
  const box = $("#timing");
  const key = `${step.id}:${Boolean(step.timer)}:${Boolean(step.breathing)}`;
  if (key !== timingKey) {
    timingKey = key;
    box.replaceChildren();
    pacer = step.breathing ? new Pacer(box) : null;
    ring = step.timer ? new CountdownRing(box) : null;
    lastSeconds = null;
  }
  box.hidden = !step.timer || session.ended;
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
    const now = clock.now();
    const seconds = ring ? ring.update(state.step.timer, now) : null;
    if (pacer) pacer.update(state.step.breathing, state.step.timer, now);
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
