// Countdown and breathing maths, all from server time: same input, same output on every device;
// and how every page writes a length of time.

import { _ } from "./i18n.js";

/** Milliseconds left on a timer at server time `now` (null when the step has no timer). */
export function remainingMs(timer, now) {
  if (!timer) return null;
  if (timer.running) return Math.max(0, timer.ends_at_ms - now);
  return timer.remaining_ms;
}

/**
 * "ready" (no time used yet: waits for Start), "running", "paused" or "finished" (0:00): the
 * same four as the kiosk's `Timer.status`, which refuses Start unless the timer is ready.
 */
export function timerStatus(timer, now) {
  if (!timer) return null;
  const left = remainingMs(timer, now);
  if (left <= 0) return "finished";
  if (timer.running) return "running";
  if (timer.duration_ms - left <= 0) return "ready";
  return "paused";
}

export const PHASE_WORDS = {
  ready: _("ready"),
  inhale: _("breathe in"),
  hold: _("hold"),
  exhale: _("breathe out"),
  hold_after: _("hold"),
  finished: _("breathe at your own pace"),
};

/**
 * Where the breathing pacer is: the phase, how far into it (0..1), and the size of the shape.
 * Elapsed time comes from the timer, so extra time or a pause never makes the room jump.
 */
export function breathPhase(breathing, timer, now) {
  if (!breathing || !timer) return { phase: "ready", scale: 0.6, cycle: 0 };
  const elapsed = timer.duration_ms - remainingMs(timer, now);
  if (!timer.running && elapsed <= 0) return { phase: "ready", scale: 0.6, cycle: 0 };
  // The pacer breathes as long as the kiosk says (`total_ms`: its cycles plus time added to
  // the step), so +30 s on a breathing step is 30 s more breathing, not a silent pacer.
  const total = breathing.total_ms ?? breathing.cycle_ms * breathing.cycles;
  if (elapsed >= total) return { phase: "finished", scale: 0.6, cycle: Math.ceil(total / breathing.cycle_ms) };
  const cycle = Math.floor(elapsed / breathing.cycle_ms);
  let t = elapsed - cycle * breathing.cycle_ms;
  const parts = [
    ["inhale", breathing.inhale_ms],
    ["hold", breathing.hold_ms],
    ["exhale", breathing.exhale_ms],
    ["hold_after", breathing.hold_after_ms],
  ];
  for (const [phase, length] of parts) {
    if (length <= 0) continue;
    if (t < length) {
      const progress = t / length;
      const eased = 0.5 - Math.cos(Math.PI * progress) / 2;
      const scale =
        phase === "inhale" ? 0.6 + 0.4 * eased : phase === "exhale" ? 1 - 0.4 * eased : phase === "hold" ? 1 : 0.6;
      return { phase, progress, scale, cycle: cycle + 1 };
    }
    t -= length;
  }
  return { phase: "hold_after", progress: 1, scale: 0.6, cycle: cycle + 1 };
}

// Every page writes a length of time m:ss in Latin digits whatever the page's language (the
// projector and every phone must read the same countdown), minutes not capped at 60 ("0:09", "1:05", "12:00",
// "75:00"), with one rule for each of the two uses:
//
// - a countdown shows the seconds left rounded UP (`countdownText`): it reads 0:01 until the
//   very end and reaches 0:00 exactly when the time is up, never a second early;
// - a duration that is reported (planned, taken, running so far) is rounded to the NEAREST
//   second, halves up (`durationText`): 1,499 ms is "0:01", 1,500 ms is "0:02".
//
// The facilitator home is drawn by the server: its macro in templates/durations.html writes
// durations by the same rule, and tests/unit/test_durations.py runs both on the same values.

/** m:ss of a whole, non-negative number of seconds. */
function minutesSeconds(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A countdown's time left: whole seconds rounded up, so 0:00 comes exactly at the end. */
export function countdownText(ms) {
  return minutesSeconds(Math.max(0, Math.ceil(ms / 1000)));
}

/** A reported duration, to the nearest second (halves up); "—" when there is none. */
export function durationText(ms) {
  if (ms === null || ms === undefined) return "—";
  return minutesSeconds(Math.max(0, Math.floor((ms + 500) / 1000)));
}
