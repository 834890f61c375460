// The phone's signals to the facilitator: "I'm done" with a step, and "I need a moment".
// The facilitator sees counts, never who.

import { $, setText } from "./dom.js";
import { _, say } from "./i18n.js";
import { announce, room } from "./phone-room.js";

/** Done is per step: being done with one step says nothing about the next that asks. */
function isDone(step) {
  return Array.isArray(room.mine.done) && room.mine.done.includes(step.id);
}

let doneShownFor = null;
/** The step's "I'm done" button, pressed or not; a new step clears an earlier refusal. */
export function renderDone(step) {
  $("#done-row").hidden = !step.done;
  if (doneShownFor !== step.id) {
    doneShownFor = step.id;
    $("#done-error").hidden = true;
  }
  const done = isDone(step);
  const button = $("#done");
  button.setAttribute("aria-pressed", String(done));
  button.classList.toggle("selected", done);
  setText(button, done ? _("Done ✓ (tap to undo)") : _("I'm done"));
}

$("#done").addEventListener("click", async () => {
  const step = room.state.step;
  const kind = isDone(step) ? "undone" : "done";
  // The step goes along, so a tap that arrives after the room moved on marks nothing.
  const ack = await room.call("signal", { kind, step_id: step.id });
  if (ack.ok) {
    const others = (Array.isArray(room.mine.done) ? room.mine.done : []).filter((id) => id !== step.id);
    room.mine.done = kind === "done" ? [...others, step.id] : others;
    room.render(false);
  } else {
    setText($("#done-error"), say(ack.message ?? ack.error));
    $("#done-error").hidden = false;
  }
});

$("#need-moment").addEventListener("click", async () => {
  const kind = room.mine.need_moment ? "ok_again" : "need_moment";
  const ack = await room.call("signal", { kind });
  if (ack.ok) {
    room.mine.need_moment = kind === "need_moment";
    room.render(false);
    announce(room.mine.need_moment ? _("The facilitator sees that someone needs a moment, not who.") : _("Glad you are OK."));
  }
});

/** The "I need a moment" button says what tapping it does now. */
export function renderNeedMoment() {
  setText($("#need-moment"), room.mine.need_moment ? _("I'm OK again") : _("I need a moment"));
  $("#need-moment").setAttribute("aria-pressed", String(Boolean(room.mine.need_moment)));
}
