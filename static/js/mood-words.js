// The words of a mood grid's cells: what a screen reader says for a cell ("quite pleasant, low
// energy") and what the charts say about a point. Axes run from -3 to 3; the words of their ends
// are the prompt's own (`labels`: pleasant, unpleasant, high, low).

export const MOOD_LIMIT = 3;
const DEGREE = ["", "slightly", "quite", "very"];

function axisWords(value, positive, negative) {
  if (value === 0) return `neither ${positive} nor ${negative}`;
  const steps = Math.min(MOOD_LIMIT, Math.abs(value));
  return `${DEGREE[steps]} ${value > 0 ? positive : negative}`;
}

/** A cell's words: `cellWords(2, -3, labels)` is "quite pleasant, very low energy". */
export function cellWords(pleasantness, energy, labels) {
  return `${axisWords(pleasantness, labels.pleasant, labels.unpleasant)}, ${axisWords(energy, labels.high, labels.low)}`;
}

/** The words of a mean point: the nearest cell's. */
export function pointWords(point, labels) {
  return cellWords(Math.round(point.pleasantness), Math.round(point.energy), labels);
}

/** The key of a mood answer as the grid's buttons carry it in `data-value` ("2,-1"). */
export function moodKey(value) {
  return value && typeof value === "object" ? `${value.pleasantness},${value.energy}` : undefined;
}
