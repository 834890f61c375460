// The countdown ring and the breathing pacer, drawn from server time on every frame.

import { el, setText, svg } from "./dom.js";
import { _ } from "./i18n.js";
import { PHASE_WORDS, breathPhase, countdownText, remainingMs, timerStatus } from "./timer.js";

const RADIUS = 54;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

export class CountdownRing {
  constructor(container, label = _("Time left")) {
    this.root = el("div", { className: "countdown", role: "timer", "aria-label": label });
    const circle = (cls) => svg("circle", { cx: 60, cy: 60, r: RADIUS, "stroke-width": 9, class: cls });
    const progress = circle("progress");
    progress.setAttribute("stroke-dasharray", String(CIRCUMFERENCE));
    this.progress = progress;
    this.digits = el("span", { className: "digits" });
    const ring = svg("svg", { viewBox: "0 0 120 120", "aria-hidden": "true" });
    ring.append(circle("track"), progress);
    // m:ss in Latin digits in every language, as on the projector: every device in the room
    // must read the same time (timer.js `countdownText`); the digits are marked as a number.
    this.digits.dataset.noTranslate = "";
    this.root.append(ring, this.digits);
    container.append(this.root);
  }

  /** Show `timer` at server time `now`; returns the whole seconds left (or null). */
  update(timer, now) {
    const left = remainingMs(timer, now);
    if (left === null) return null;
    const seconds = Math.ceil(left / 1000);
    setText(this.digits, countdownText(left));
    this.root.dataset.remaining = String(seconds);
    this.root.dataset.running = String(Boolean(timer.running));
    this.root.dataset.state = timerStatus(timer, now);
    this.root.classList.toggle("done", timer.running && left === 0);
    const fraction = timer.duration_ms > 0 ? left / timer.duration_ms : 0;
    this.progress.setAttribute("stroke-dashoffset", String(CIRCUMFERENCE * (1 - fraction)));
    return seconds;
  }
}

export class Pacer {
  constructor(container) {
    this.dot = el("div", { className: "pacer-dot" });
    this.word = el("p", { className: "pacer-word", "aria-live": "off" });
    this.root = el("div", { className: "pacer", dataset: { phase: "ready" } }, el("div", { className: "pacer-shape", "aria-hidden": "true" }, this.dot), this.word);
    container.append(this.root);
  }

  /** Show the breathing phase at server time `now`; returns the phase name. */
  update(breathing, timer, now) {
    const { phase, scale } = breathPhase(breathing, timer, now);
    const status = timerStatus(timer, now);
    if (this.root.dataset.phase !== phase) this.root.dataset.phase = phase;
    this.root.dataset.state = status;
    this.dot.style.setProperty("--breath", scale.toFixed(3));
    // A paused pacer holds its shape; its word says why, not "breathe out" for a minute.
    setText(this.word, status === "paused" ? _("paused") : PHASE_WORDS[phase]);
    return phase;
  }
}

/**
 * The countdown ring and pacer of the current step, rebuilt only when the step changes, with a
 * line that says in words when the countdown waits for Start or is paused.
 */
export class TimingPanel {
  constructor(box, { waiting = _("Waiting for the facilitator to start") } = {}) {
    this.box = box;
    this.key = null;
    this.ring = null;
    this.pacer = null;
    this.caption = null;
    this.words = { ready: waiting, paused: _("Paused") };
  }

  /** Fit the panel to `step`; returns true when it was rebuilt (a new step or timer). */
  show(step) {
    const key = `${step.id}:${Boolean(step.timer)}:${Boolean(step.breathing)}`;
    this.box.hidden = !step.timer;
    if (key === this.key) return false;
    this.key = key;
    this.box.replaceChildren();
    this.pacer = step.breathing ? new Pacer(this.box) : null;
    this.ring = step.timer ? new CountdownRing(this.box) : null;
    this.caption = step.timer ? el("p", { className: "timer-state", "aria-live": "polite" }) : null;
    if (this.caption) this.box.append(this.caption);
    return true;
  }

  /** Draw both at server time `now`; returns the whole seconds left and the breathing phase. */
  update(step, now) {
    if (!step.timer) return { seconds: null, phase: null };
    const seconds = this.ring ? this.ring.update(step.timer, now) : null;
    const phase = this.pacer ? this.pacer.update(step.breathing, step.timer, now) : null;
    const status = timerStatus(step.timer, now);
    if (this.box.dataset.timerState !== status) this.box.dataset.timerState = status;
    if (this.caption) {
      // A pacer says "paused" itself, in its own big word; the line would only repeat it.
      const words = status === "paused" && this.pacer ? "" : this.words[status] || "";
      setText(this.caption, words);
      this.caption.hidden = !words;
    }
    return { seconds, phase };
  }
}
