// The phone's countdown: the ring and the breathing pacer drawn from server time on every
// frame, the chime and the spoken last seconds, cues in eyes-closed mode, and the screen kept
// awake while something runs.

import { $, eachFrame } from "./dom.js";
import { _, formatNumber } from "./i18n.js";
import { announce, room } from "./phone-room.js";
import { PHASE_CUES, WakeLock, chime, enableSound, soundOn, tone, vibrate } from "./sound.js";
import { breathPhase } from "./timer.js";
import { TimingPanel } from "./widgets.js";

const timing = new TimingPanel($("#timing"));
const wakeLock = new WakeLock();
let lastSeconds = null;
let lastPhase = null;
let eyesClosed = false;

function setEyesClosed(on) {
  eyesClosed = on;
  $("#eyes-closed").hidden = !on;
  document.body.classList.toggle("eyes-closed-mode", on);
  if (on) $("#eyes-closed").focus?.();
}

/** The step's countdown and pacer (rebuilt for a new step) and the eyes-closed button. */
export function renderTiming(step) {
  if (timing.show(step)) {
    lastSeconds = null;
    lastPhase = null;
  }
  $("#eyes").hidden = !step.timer;
  if (!step.timer && eyesClosed) setEyesClosed(false);
}

$("#eyes").addEventListener("click", async () => {
  if (!soundOn()) await enableSound();
  setEyesClosed(true);
});
$("#eyes-closed").addEventListener("click", () => setEyesClosed(false));

function tick() {
  if (!room.state || room.state.session.ended) return;
  const { step } = room.state;
  const now = room.clock.now();
  const timer = step.timer;
  if (timer) {
    const { seconds, phase } = timing.update(step, now);
    if (timer.running && lastSeconds !== null && seconds !== lastSeconds) {
      if (seconds === 0) {
        chime();
        vibrate([120, 80, 120]);
        announce(_("Time is up."));
      } else if (seconds <= 10) {
        announce(formatNumber(seconds));
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
eachFrame(tick);
// Animation frames stop in background tabs; a slow interval keeps the chime in step there.
setInterval(() => {
  if (document.hidden) tick();
}, 500);
