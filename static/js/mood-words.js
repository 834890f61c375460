// The words of a mood grid's cells: what a screen reader says for a cell ("quite pleasant, low
// energy") and what the charts say about a point. Axes run from -3 to 3; the words of their ends
// are the prompt's own (`labels`: pleasant, unpleasant, high, low), in the workshop's language;
// the words around them are the page's.

import { _ } from "./i18n.js";

export const MOOD_LIMIT = 3;

function axisWords(value, positive, negative) {
  if (value === 0) return _("neither {positive} nor {negative}", { positive, negative });
  const label = value > 0 ? positive : negative;
  const steps = Math.min(MOOD_LIMIT, Math.abs(value));
  if (steps === 1) return _("slightly {label}", { label });
  if (steps === 2) return _("quite {label}", { label });
  return _("very {label}", { label });
}

/** A cell's words: `cellWords(2, -3, labels)` is "quite pleasant, very low energy". */
export function cellWords(pleasantness, energy, labels) {
  return _("{pleasantness}, {energy}", {
    pleasantness: axisWords(pleasantness, labels.pleasant, labels.unpleasant),
    energy: axisWords(energy, labels.high, labels.low),
  });
}

/** The words of a mean point: the nearest cell's. */
export function pointWords(point, labels) {
  return cellWords(Math.round(point.pleasantness), Math.round(point.energy), labels);
}

/** The key of a mood answer as the grid's buttons carry it in `data-value` ("2,-1"). */
export function moodKey(value) {
  return value && typeof value === "object" ? `${value.pleasantness},${value.energy}` : undefined;
}
