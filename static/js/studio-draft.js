// The workshop being edited, with the last 50 edits to undo and redo.
//
// The draft is one plain object shaped like the workshop file (workshop/script.py). Every edit
// goes through `change`, which keeps a snapshot of the whole draft before it: workshops are a
// few kilobytes, so snapshots are simpler and safer than inverse operations. Typing into one
// field is one edit until the person pauses or moves to another field, as editors do.

export const UNDO_DEPTH = 50;
const TYPING_PAUSE_MS = 1500;

export class Draft {
  constructor(workshop, onChange) {
    this.workshop = structuredClone(workshop);
    this.onChange = onChange;
    this.undoStack = [];
    this.redoStack = [];
    this.typing = null; // { key, at }: the field of the edit being typed
  }

  /** Apply `edit(workshop)` as one undoable edit; `typingKey` merges keystrokes in one field. */
  change(edit, { typingKey = null, kind = "edit" } = {}) {
    const now = Date.now();
    const merging = typingKey && this.typing && this.typing.key === typingKey && now - this.typing.at < TYPING_PAUSE_MS;
    if (!merging) {
      this.undoStack.push(JSON.stringify(this.workshop));
      if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
    }
    this.typing = typingKey ? { key: typingKey, at: now } : null;
    this.redoStack = [];
    edit(this.workshop);
    this.onChange(kind);
  }

  /** Put back the draft as it was before the last edit. */
  undo() {
    if (!this.undoStack.length) return false;
    this.redoStack.push(JSON.stringify(this.workshop));
    this.workshop = JSON.parse(this.undoStack.pop());
    this.typing = null;
    this.onChange("undo");
    return true;
  }

  /** Apply again the last edit that was undone. */
  redo() {
    if (!this.redoStack.length) return false;
    this.undoStack.push(JSON.stringify(this.workshop));
    this.workshop = JSON.parse(this.redoStack.pop());
    this.typing = null;
    this.onChange("redo");
    return true;
  }

  /** Replace the whole draft (a restored or imported one) as one undoable edit. */
  replace(workshop) {
    this.change((w) => {
      for (const key of Object.keys(w)) delete w[key];
      Object.assign(w, structuredClone(workshop));
    }, { kind: "replace" });
  }
}

/** The value at a dotted path ("prompt.scale" → obj.prompt.scale), or undefined. */
export function getPath(object, path) {
  return path.split(".").reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), object);
}

/** Set (or with `undefined`, remove) the value at a dotted path, making objects on the way. */
export function setPath(object, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  let node = object;
  for (const key of keys) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key];
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * Planned seconds of a step by the kiosk's rule (Step.timer_ms): its countdown, else its
 * breathing cycles, else none. Computed here as well as by the server's validation so the
 * figures follow every keystroke, even while the draft has a problem the server refuses.
 */
export function plannedSeconds(step) {
  const number = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
  const countdown = number(step.countdown);
  if (step.countdown !== undefined && step.countdown !== null) return countdown !== null && countdown > 0 ? countdown : 0;
  const b = step.breathing;
  if (!b) return 0;
  const parts = ["inhale", "hold", "exhale", "hold_after"].map((k) => (b[k] === undefined ? 0 : number(b[k])));
  const cycles = number(b.cycles);
  if (parts.some((p) => p === null) || cycles === null) return 0;
  // As the kiosk rounds: one cycle in whole milliseconds, times the cycles.
  const cycleMs = Math.round(parts.reduce((a, b2) => a + b2, 0) * 1000);
  return (cycleMs * cycles) / 1000;
}

/**
 * The feelings a `feelings` prompt without options offers, by the kiosk's rule
 * (script.offer_default_feelings): the workshop's `feelings`, else its language's defaults
 * (`defaults.feelings`, from the schema); null when there are none.
 */
export function offeredFeelings(workshop, defaults) {
  if (Array.isArray(workshop.feelings) && workshop.feelings.length) return workshop.feelings;
  const language = typeof workshop.language === "string" && workshop.language ? workshop.language : "en";
  return (defaults.feelings || {})[language] || null;
}
