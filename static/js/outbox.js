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

  /** Queue the latest answer to a prompt (replacing an unsent earlier one). */
  put(promptId, value) {
    const entries = this.all();
    entries[promptId] = { prompt_id: promptId, value, answer_id: randomId() };
    this.save(entries);
    return entries[promptId];
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
