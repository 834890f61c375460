// Results as the room sees them (screen and phones): the charts of charts.js and, for words,
// the answers themselves as typed (newest first), always as text, never as markup.

import { renderResults } from "./charts.js";
import { el } from "./dom.js";

/** Draw `results` into `box`; `wall` caps how many words answers are listed in full. */
export function renderRoomResults(box, results, { wall = 12 } = {}) {
  renderResults(box, results);
  if (!results || results.kind !== "words" || results.below_threshold) return;
  const answers = (results.answers || []).slice(-wall).reverse();
  if (!answers.length) return;
  box.append(
    el(
      "ul",
      { className: "answer-wall", "aria-label": "Answers" },
      ...answers.map((answer) => el("li", { className: "answer user-text", dir: "auto", text: answer.text })),
    ),
  );
}
