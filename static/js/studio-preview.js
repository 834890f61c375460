// The editor's side of the preview: the selected step of the draft made into the views the
// kiosk sends phones and the projector (as workshop/views.py builds them), posted to the two
// framed pages, which draw them with their own code (studio-preview-feed.js).

import { _ } from "./i18n.js";
import { offeredFeelings } from "./studio-draft.js";

const MESSAGE = "attune-preview";
// A preview shows a sane number of scale buttons however wild the draft is mid-edit.
const MAX_SCALE_POINTS = 11;
// ... and of feelings (script.MAX_FEELINGS).
const MAX_FEELINGS = 40;

function number(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function breathingView(b, timerMs) {
  if (!b) return null;
  const ms = (key) => Math.max(0, Math.round(number(b[key], 0) * 1000));
  const cycleMs = ms("inhale") + ms("hold") + ms("exhale") + ms("hold_after");
  if (cycleMs <= 0) return null;
  const cycles = Math.max(1, Math.round(number(b.cycles, 1)));
  return {
    inhale_ms: ms("inhale"),
    hold_ms: ms("hold"),
    exhale_ms: ms("exhale"),
    hold_after_ms: ms("hold_after"),
    cycles,
    cycle_ms: cycleMs,
    total_ms: Math.min(cycleMs * cycles, timerMs ?? cycleMs * cycles),
  };
}

/** A prompt of the draft as workshop/views.py sends it to phones and the screen. */
function promptView(p, workshop, defaults) {
  if (!p || !["scale", "words", "choice", "mood", "feelings"].includes(p.kind)) return null;
  const view = { id: p.id || "preview", kind: p.kind, question: p.question || "", options: null, open: true, revealed: false };
  if (p.kind === "scale") {
    let min = Math.round(number(p.min, 1));
    let max = Math.round(number(p.max, 5));
    if (max <= min || max - min >= MAX_SCALE_POINTS) [min, max] = [1, 5];
    view.scale = { min, max, min_label: p.min_label || "", max_label: p.max_label || "" };
  } else if (p.kind === "choice") {
    view.options = Array.isArray(p.options) ? p.options.map(String) : [];
  } else if (p.kind === "mood") {
    // As results.mood_labels names them; a word left empty mid-edit shows the schema's.
    const word = (key) => (typeof p[key] === "string" && p[key].trim() ? p[key] : (defaults.mood || {})[key] || "");
    view.mood = { pleasant: word("pleasant_label"), unpleasant: word("unpleasant_label"), high: word("high_label"), low: word("low_label") };
  } else if (p.kind === "feelings") {
    const offered = Array.isArray(p.options) ? p.options : offeredFeelings(workshop, defaults) || [];
    view.options = offered.map(String).slice(0, MAX_FEELINGS);
    // FeelingsPrompt.most: max_choices (3 by default), or all when fewer are offered.
    const most = Math.round(number(p.max_choices, 3));
    view.max_choices = Math.max(1, Math.min(most >= 1 ? most : 3, view.options.length || 1));
  } else {
    view.max_length = Math.round(number(p.max_length, 140));
  }
  // The phone page draws a prompt's controls again only for another prompt id (in a room a
  // prompt never changes); in the preview it changes with every edit, so its id says which
  // version it is, and the controls follow the words and options as they are typed.
  view.id = `${view.id}~${revision(JSON.stringify(view))}`;
  return view;
}

/** A short fingerprint of a text (FNV-1a, 32 bits, in base 36). */
function revision(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The step's timer length in ms by the kiosk's rule: its countdown, else its breathing. */
function timerMs(step) {
  if (step.countdown !== undefined && step.countdown !== null) {
    const seconds = number(step.countdown, 0);
    return seconds > 0 ? Math.round(seconds * 1000) : null;
  }
  const b = breathingView(step.breathing, null);
  return b ? b.total_ms : null;
}

/**
 * The phone's and the projector's views of step `index` of `workshop`, its timer running
 * since `startedMs` (browser time, which is the previews' clock too); `defaults` are the
 * schema's (the feelings offered by language, a mood grid's words).
 */
export function previewViews(workshop, index, startedMs, defaults = {}) {
  const steps = workshop.steps || [];
  const step = steps[index];
  if (!step) return null;
  const ms = timerMs(step);
  const timer = ms
    ? { duration_ms: ms, running: true, ends_at_ms: startedMs + ms, remaining_ms: Math.max(0, startedMs + ms - Date.now()) }
    : null;
  const consent = step.consent
    ? { question: step.consent.question || "", alternative: { title: step.consent.alternative?.title || "", text: step.consent.alternative?.text || "" } }
    : null;
  const room = {
    version: 0,
    server_ms: Date.now(),
    session: { code: "PREVIEW", title: workshop.title || _("Untitled workshop"), ended: false, answers_deleted: false },
    step: {
      index,
      count: steps.length,
      id: step.id || `step-${index + 1}`,
      title: step.title || "",
      text: step.text || "",
      timer,
      breathing: breathingView(step.breathing, ms),
      prompt: promptView(step.prompt, workshop, defaults),
    },
    results: null,
  };
  const phone = structuredClone(room);
  phone.role = "participant";
  Object.assign(phone.step, { context: step.context || "", done: Boolean(step.done), consent });
  // A step with consent is previewed while its question is asked, as phones first see it.
  phone.consent_ask = consent ? { step_id: phone.step.id, title: phone.step.title, ...consent } : null;
  const screen = structuredClone(room);
  screen.role = "screen";
  Object.assign(screen.session, { participants: 0, join_url: "" });
  return { phone, screen };
}

/** The two framed pages: each gets its view once it says it is ready, and on every change. */
export class Preview {
  constructor(frames) {
    this.frames = frames; // { phone: iframe, screen: iframe }
    this.views = null;
    window.addEventListener("message", (event) => {
      if (event.origin !== window.location.origin || !event.data || event.data.type !== `${MESSAGE}-ready`) return;
      for (const [name, frame] of Object.entries(this.frames)) {
        if (event.source === frame.contentWindow) {
          this.post(name);
        }
      }
    });
  }

  show(views) {
    this.views = views;
    // To every frame: one that loaded before this page listened never said it was ready.
    for (const name of Object.keys(this.frames)) this.post(name);
  }

  post(name) {
    if (!this.views) return;
    this.frames[name].contentWindow.postMessage({ type: MESSAGE, view: this.views[name] }, window.location.origin);
  }
}

/** Scale each framed page to the width its box has (they render at their real size). */
export function fitFrames(boxes) {
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.target;
      const scale = box.clientWidth / Number(box.dataset.width);
      box.style.setProperty("--scale", String(scale));
      box.style.height = `${Number(box.dataset.height) * scale}px`;
    }
  });
  for (const box of boxes) observer.observe(box);
}
