// Results as the room sees them (screen and phones): the charts of charts.js and, for words,
// the answers themselves as typed (newest first), always as text, never as markup.

import { renderResults } from "./charts.js";
import { el } from "./dom.js";
import { _ } from "./i18n.js";

/**
 * Draw `results` into `box`; `wall` caps how many words answers are listed in full.
 * Where the box limits their height (the projector), the cloud and the wall keep only what fits
 * whole: no word or answer is ever shown cut through a line.
 */
export function renderRoomResults(box, results, { wall = 12 } = {}) {
  renderResults(box, results);
  if (!results || results.kind !== "words" || results.below_threshold) return;
  const cloud = box.querySelector(".word-cloud");
  if (cloud) keepWhole(cloud);
  const answers = (results.answers || []).slice(-wall).reverse();
  if (!answers.length) return;
  // The text sits in its own element so that it is clamped to whole lines inside the tile's
  // padding; clamping the tile itself lets the next line peek through the padding.
  const list = el(
    "ul",
    { className: "answer-wall", "aria-label": _("Answers") },
    ...answers.map((answer) => el("li", { className: "answer" }, el("span", { className: "answer-text user-text", dir: "auto", text: answer.text }))),
  );
  box.append(list);
  keepWhole(list);
}

/** Drop items from the end of `list` (the least frequent words, the oldest answers) until all
 * that are left are inside it whole. A list of unlimited height keeps everything. */
function keepWhole(list) {
  while (list.children.length > 1 && list.scrollHeight > list.clientHeight + 1) list.lastElementChild.remove();
}
