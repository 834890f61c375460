// Answers waiting for the kiosk's acknowledgement, kept in localStorage: an answer given while
// the Wi-Fi is away (or just before the tab is closed) is sent when the phone is back, with the
// same answer_id, so the kiosk stores it once however often it arrives.

import { randomId } from "./dom.js";

export class Outbox {
  constructor(code) {
    this.key = `attune.outbox.${code}`;
  }

  all() {
    try {
      return JSON.parse(localStorage.getItem(this.key) || "{}");
    } catch {
      return {};
    }
  }

  save(entries) {
    localStorage.setItem(this.key, JSON.stringify(entries));
  }

  /**
   * Queue the latest answer to a prompt (replacing an unsent earlier one). `answeredMs` is when
   * it was given, in server time, so the kiosk can count it if it arrives after the question
   * closed; `question` is kept to tell the person which answer a late reply is about.
   */
  put(promptId, value, { answeredMs = null, question = "" } = {}) {
    const entries = this.all();
    entries[promptId] = { prompt_id: promptId, value, answer_id: randomId(), answered_ms: answeredMs, question };
    this.save(entries);
    return entries[promptId];
  }

  /** What is sent for an entry: the protocol's fields only. */
  static message(entry) {
    const message = { prompt_id: entry.prompt_id, value: entry.value, answer_id: entry.answer_id };
    if (Number.isInteger(entry.answered_ms)) message.answered_ms = entry.answered_ms;
    return message;
  }

  /** Forget an entry once the kiosk answered for it (only if it is still that answer). */
  done(promptId, answerId) {
    const entries = this.all();
    if (entries[promptId] && entries[promptId].answer_id === answerId) {
      delete entries[promptId];
      this.save(entries);
    }
  }

  pending(promptId) {
    return this.all()[promptId] || null;
  }
}
