// What the phone page knows, shared by its parts (phone-*.js): the room's latest snapshot, this
// phone's own answers, choices and signals, the answers still to be sent and the connection;
// and what any part may do: have the page drawn again, and tell screen readers something.

import { workshopLanguage } from "./i18n.js";
import { $, el } from "./dom.js";
import { Outbox } from "./outbox.js";

const main = $("main.phone");
const code = main.dataset.code;

/** The attributes of an element that shows the workshop's own words (i18n.js). */
export const workshopText = workshopLanguage;

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

/**
 * `text` (a translated message) as nodes, with each `{name}` in it replaced by `nodes[name]`:
 * a person's answer keeps its own element (`dir="auto"`) inside the page's sentence, wherever
 * the language puts it.
 */
export function withNodes(text, nodes) {
  return text.split(/(\{\w+\})/).map((part) => {
    const name = part.slice(1, -1);
    return part.startsWith("{") && Object.hasOwn(nodes, name) ? nodes[name] : part;
  });
}

/** A person's answer inside a sentence of the page: its direction its own. */
export function answerSpan(text) {
  return el("span", { className: "user-text", dir: "auto", text });
}

const announcer = $("#announcer");

/** Say `text` to screen readers (the page's live region). */
export function announce(text) {
  announcer.textContent = "";
  // A fresh text node each time, so screen readers announce a repeat too.
  setTimeout(() => {
    announcer.textContent = text;
  }, 30);
}
