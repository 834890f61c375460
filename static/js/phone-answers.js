// The phone's answers on their way: queued in the outbox, sent (again) until the kiosk
// acknowledges them, and a word to the person about one that arrived or was refused after the
// room moved on.

import { $, el } from "./dom.js";
import { _, say } from "./i18n.js";
import { Outbox } from "./outbox.js";
import { forgetPromptForm, markSelection, pendingOrMine, showAccepted, showReceived } from "./phone-prompt.js";
import { announce, room, withNodes, workshopText } from "./phone-room.js";

/** Send an answer: kept in the outbox until the kiosk acknowledges it. */
export function answer(promptId, value) {
  // The time it was given, in server time: if the question closes before this phone is back
  // online, the kiosk counts the answer only if it was given while the question was open.
  room.outbox.put(promptId, value, { answeredMs: Math.round(room.clock.now()), question: room.state.step.prompt.question });
  showReceived(_("Sending…"));
  markSelection(room.state.step.prompt, value);
  flushOutbox();
}

let flushing = false;
/** Send what the outbox holds, one answer after the other, while connected. */
export async function flushOutbox() {
  if (flushing || !room.socket.connected) return;
  flushing = true;
  try {
    for (const entry of Object.values(room.outbox.all())) {
      const ack = await room.call("respond", Outbox.message(entry));
      if (ack.timeout) break; // still away: the next connect sends it again
      if (!ack.ok && /too many messages/.test(ack.error || "")) break; // only slowed: try again soon
      room.outbox.done(entry.prompt_id, entry.answer_id);
      const prompt = room.state && room.state.step.prompt;
      const onScreen = Boolean(prompt && prompt.id === entry.prompt_id && prompt.open);
      if (ack.ok) room.mine.answers = { ...room.mine.answers, [ack.prompt_id]: ack.value };
      if (onScreen && ack.ok) {
        showAccepted($("#received"));
        markSelection(prompt, ack.value);
      } else if (onScreen) {
        // Refused: the selection goes back to what the kiosk has, and the person is told.
        markSelection(prompt, pendingOrMine(prompt.id));
        showReceived(say(ack.message ?? ack.error), true);
      } else {
        // The room moved on (or the question closed) while this phone was away: the form, if
        // still there, is drawn again from what the kiosk holds, and a notice says what became
        // of the answer. One given while the question was open still counts.
        if (prompt && prompt.id === entry.prompt_id) {
          forgetPromptForm();
          room.render(false);
        }
        const reason = say(ack.message ?? ack.error);
        let text;
        if (ack.ok && entry.question) text = _("Your answer to “{question}” was received ✓ (sent when you were back online).");
        else if (ack.ok) text = _("Your answer was received ✓ (sent when you were back online).");
        else if (entry.question) text = _("Your answer to “{question}” was not counted: {reason}.", { reason });
        else text = _("Your answer was not counted: {reason}.", { reason });
        showAnswerNotice(text, entry.question, ack.ok ? "received" : "refused");
      }
    }
  } finally {
    flushing = false;
  }
}
setInterval(flushOutbox, 5000);

/**
 * A message about an answer sent earlier, its `{question}` the workshop's own words; a refusal
 * stays until the person taps OK.
 */
function showAnswerNotice(text, question, kind) {
  const box = $("#answer-notice");
  box.dataset.kind = kind;
  box.classList.toggle("problem", kind === "refused");
  const line = $("#answer-notice-text");
  line.replaceChildren(...withNodes(text, { question: el("span", { className: "user-text", ...workshopText, text: question }) }));
  box.hidden = false;
  announce(line.textContent);
}

/** Hide the notice about an earlier answer (only one of that `kind`, when given). */
export function clearAnswerNotice(kind) {
  const box = $("#answer-notice");
  if (!kind || box.dataset.kind === kind) box.hidden = true;
}
$("#answer-notice-ok").addEventListener("click", () => clearAnswerNotice());

/** The facilitator deleted the answers: nothing this phone chose is stored any more. */
export function forgetDeletedAnswers() {
  room.mine = { ...room.mine, answers: {}, consent: {} };
  forgetPromptForm();
}
