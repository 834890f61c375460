// What the phone page knows, shared by its parts (phone-*.js): the room's latest snapshot, this
// phone's own answers, choices and signals, the answers still to be sent and the connection;
// and what any part may do: have the page drawn again, and tell screen readers something.

import { $ } from "./dom.js";
import { Outbox } from "./outbox.js";

const code = $("main.phone").dataset.code;

export const room = {
  code,
  /** The room's latest snapshot (null until the first one arrives). */
  state: null,
  /** This phone's own answers, consent choices and signals, as the kiosk holds them. */
  mine: { answers: {}, consent: {}, need_moment: false, done: [] },
  /** Answers waiting for the kiosk's acknowledgement (kept in localStorage). */
  outbox: new Outbox(code),
  // The connection (its socket, server clock and `call`) and `render(stepChanged)`: phone.js
  // sets them when it connects, before any event can arrive.
  socket: null,
  clock: null,
  call: null,
  render: () => {},
};

const announcer = $("#announcer");

/** Say `text` to screen readers (the page's live region). */
export function announce(text) {
  announcer.textContent = "";
  // A fresh text node each time, so screen readers announce a repeat too.
  setTimeout(() => {
    announcer.textContent = text;
  }, 30);
}
