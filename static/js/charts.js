// Result charts, drawn as SVG (bars) and plain text nodes (words) from a `results` object.
//
// Everything a participant typed is set with textContent, never parsed as markup. Charts
// scale with their container through viewBox, so the same drawing reads on a phone, on a
// console and from the back of a room on the projector.
//
// Right to left: a chart mirrors with the page it is drawn in (`rtl`, from the container's
// direction). A scale is an ordered line read in the reading direction: an Arabic rating scale
// starts at the right, and the phone's scale buttons and mood grid mirror with the page (CSS
// grid), so the bars and the mood map mirror too: the bar of the button a person tapped on the
// right is on the right. The end labels under a histogram mirror by themselves (flex). Bars of
// choices grow from the start side like a line of text, their labels at the start. Each number
// stays a number (tabular digits read left to right); the chart's <svg> carries its direction,
// so text-anchor "start" and "end" are logical, like CSS's.

import { el, svg } from "./dom.js";
import { _, formatNumber, ngettext, workshopLanguage } from "./i18n.js";
import { MOOD_LIMIT, cellWords, pointWords } from "./mood-words.js";

function shorten(text, max) {
  const chars = Array.from(String(text));
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

/** "3 answers", in the page's language and its plural rules. */
function answers(count) {
  return ngettext("{n} answer", "{n} answers", count);
}

/** "Before → after (3 pairs)". */
function pairsTitle(pairs) {
  return ngettext("Before → after ({n} pair)", "Before → after ({n} pairs)", pairs);
}

/** "Before and after: 2 more pairs needed". */
function pairsNeeded(needed) {
  return ngettext("Before and after: {n} more pair needed", "Before and after: {n} more pairs needed", needed);
}

/** A number as the page's language writes it, with at most `digits` decimals (as sent). */
function decimal(value, digits = 2) {
  return formatNumber(value, { maximumFractionDigits: digits });
}

function signed(value) {
  if (value === null || value === undefined) return "–";
  const rounded = Math.round(value * 10) / 10;
  return `${rounded > 0 ? "+" : rounded < 0 ? "−" : "±"}${decimal(Math.abs(rounded), 1)}`;
}

// A bar's count label: 26px bold digits centred on the bar (see .chart-histogram .count).
const COUNT_FONT = 26;

/** Whether `node` is laid out right to left; one not yet in the page takes the page's direction. */
export function rightToLeft(node = document.documentElement) {
  return getComputedStyle(node.isConnected ? node : document.documentElement).direction === "rtl";
}

/** For a drawing `width` wide: an x measured from its start side, as an x from its left. */
function fromStart(width, rtl) {
  return (x, size = 0) => (rtl ? width - x - size : x);
}

/** The box a count label takes, with a little room around it, in chart units. */
function countLabelBox(centre, baseline, count) {
  const half = (String(count).length * COUNT_FONT * 0.62) / 2 + 6;
  return { left: centre - half, right: centre + half, top: baseline - COUNT_FONT * 0.8 - 4, bottom: baseline + COUNT_FONT * 0.25 + 4 };
}

/** The pieces [y1, y2] of a vertical line at `x` from `top` to `bottom` that miss every box. */
function lineAround(x, top, bottom, boxes) {
  const cuts = boxes.filter((b) => x >= b.left && x <= b.right).sort((a, b) => a.top - b.top);
  const pieces = [];
  let y = top;
  for (const box of cuts) {
    if (box.top > y) pieces.push([y, Math.min(box.top, bottom)]);
    y = Math.max(y, box.bottom);
  }
  if (y < bottom) pieces.push([y, bottom]);
  return pieces;
}

/** A scale as a histogram: one bar per value, end labels under the ends, the mean marked. */
export function histogram(results, rtl = rightToLeft()) {
  const bins = results.histogram || [];
  const width = 600;
  const height = 320;
  const top = 74;
  const bottom = 270;
  const gap = 12;
  const barWidth = (width - gap * (bins.length + 1)) / Math.max(1, bins.length);
  const most = Math.max(1, ...bins.map((b) => b.count));
  const at = fromStart(width, rtl);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    direction: rtl ? "rtl" : "ltr",
    class: "chart chart-histogram",
    role: "img",
    "aria-label":
      results.mean === null || results.mean === undefined
        ? ngettext("{n} answer, no mean", "{n} answers, no mean", results.count)
        : ngettext("{n} answer, mean {mean}", "{n} answers, mean {mean}", results.count, { mean: decimal(results.mean) }),
  });
  const labelBaseline = (bin) => bottom - ((bottom - top) * bin.count) / most - 8;
  const barX = (i) => at(gap + i * (barWidth + gap), barWidth);
  bins.forEach((bin, i) => {
    const x = barX(i);
    const barHeight = ((bottom - top) * bin.count) / most;
    chart.append(
      svg("rect", {
        x,
        y: bottom - barHeight,
        width: barWidth,
        height: Math.max(barHeight, 1),
        rx: 6,
        class: "bar",
      }),
      svg("text", { x: x + barWidth / 2, y: labelBaseline(bin), class: "count" }, formatNumber(bin.count)),
      svg("text", { x: x + barWidth / 2, y: bottom + 28, class: "tick" }, formatNumber(bin.value)),
    );
  });
  if (results.mean !== null && results.mean !== undefined && bins.length > 1) {
    const span = results.max - results.min;
    const x = at(gap + barWidth / 2 + ((results.mean - results.min) / span) * (width - 2 * gap - barWidth));
    // The line breaks around every count label it would cross, so each count stays legible.
    const labels = bins.map((bin, i) => countLabelBox(barX(i) + barWidth / 2, labelBaseline(bin), bin.count));
    for (const [y1, y2] of lineAround(x, 30, bottom, labels)) {
      chart.append(svg("line", { x1: x, x2: x, y1, y2, class: "mean-line" }));
    }
    chart.append(svg("text", { x, y: 22, class: "mean-label" }, _("mean {mean}", { mean: decimal(results.mean) })));
  }
  const wrapper = el("figure", { className: "chart-figure" });
  wrapper.append(chart);
  const labels = el("figcaption", { className: "end-labels" });
  const low = el("span", { className: "end-label low", dir: "auto", text: results.min_label || "" });
  const high = el("span", { className: "end-label high", dir: "auto", text: results.max_label || "" });
  labels.append(low, high);
  wrapper.append(labels);
  return wrapper;
}

/** A before/after pair: how many moved up, stayed, moved down, and the average change. */
export function shift(figures, rtl = rightToLeft()) {
  const box = el("div", { className: "shift" });
  if (!figures) return box;
  if (figures.below_threshold) {
    box.append(el("p", { className: "waiting", text: pairsNeeded(figures.needed) }));
    return box;
  }
  const rows = [
    ["up", _("felt better"), figures.up],
    ["same", _("felt the same"), figures.same],
    ["down", _("felt worse"), figures.down],
  ];
  const most = Math.max(1, figures.up, figures.same, figures.down);
  const at = fromStart(600, rtl);
  const chart = svg("svg", {
    viewBox: "0 0 600 150",
    direction: rtl ? "rtl" : "ltr",
    class: "chart chart-shift",
    role: "img",
    "aria-label": ngettext("Of {n} pair: {up} up, {same} the same, {down} down", "Of {n} pairs: {up} up, {same} the same, {down} down", figures.pairs, {
      up: formatNumber(figures.up),
      same: formatNumber(figures.same),
      down: formatNumber(figures.down),
    }),
  });
  rows.forEach(([kind, label, count], i) => {
    const y = 10 + i * 46;
    const length = Math.max(2, (330 * count) / most);
    chart.append(
      svg("text", { x: at(0), y: y + 26, class: "row-label" }, label),
      svg("rect", { x: at(190, length), y, width: length, height: 34, rx: 6, class: `bar ${kind}` }),
      svg("text", { x: at(200 + (330 * count) / most), y: y + 26, class: "row-count" }, formatNumber(count)),
    );
  });
  box.append(
    el("h4", { className: "shift-title", text: pairsTitle(figures.pairs) }),
    chart,
    el("p", { className: "shift-mean", text: _("Average change {change}", { change: signed(figures.mean_change) }) }),
  );
  return box;
}

function percent(part, whole) {
  return whole ? Math.round((100 * part) / whole) : 0;
}

/**
 * A mood grid as a heat map: each cell shaded by its share of the answers (with its count),
 * the room's mean as a ringed point and, for a paired grid with enough pairs, an arrow from the
 * paired answers' mean before to their mean after. Pleasant is at the end (the right; the left in
 * a right-to-left page, as on the phone's grid), high energy at the top.
 */
export function moodMap(results, rtl = rightToLeft()) {
  const labels = results.labels;
  const cells = results.cells || [];
  const size = 2 * MOOD_LIMIT + 1;
  const cell = 66;
  const left = 56;
  const top = 52;
  const side = cell * size;
  const at = fromStart(left * 2 + side, rtl);
  const x = (pleasantness) => at(left + (pleasantness + MOOD_LIMIT + 0.5) * cell);
  const y = (energy) => top + (MOOD_LIMIT - energy + 0.5) * cell;
  const most = Math.max(1, ...cells.flat());
  const shift = results.shift && !results.shift.below_threshold && results.shift.before && results.shift.after ? results.shift : null;
  const busiest = [];
  cells.forEach((row, r) => row.forEach((count, c) => count && busiest.push([count, c - MOOD_LIMIT, MOOD_LIMIT - r])));
  busiest.sort((a, b) => b[0] - a[0]);
  const spoken = [answers(results.count)];
  if (results.mean) spoken.push(_("on average {where}", { where: pointWords(results.mean, labels) }));
  if (busiest.length) spoken.push(_("most in {where} ({count})", { where: cellWords(busiest[0][1], busiest[0][2], labels), count: formatNumber(busiest[0][0]) }));
  if (shift) spoken.push(_("the room moved from {before} to {after}", { before: pointWords(shift.before, labels), after: pointWords(shift.after, labels) }));
  const chart = svg("svg", { viewBox: `0 0 ${left * 2 + side} ${top * 2 + side}`, direction: rtl ? "rtl" : "ltr", class: "chart chart-mood", role: "img", "aria-label": spoken.join("; ") });
  cells.forEach((row, r) =>
    row.forEach((count, c) => {
      const pleasantness = c - MOOD_LIMIT;
      const energy = MOOD_LIMIT - r;
      const quadrant = `${pleasantness > 0 ? "pleasant" : pleasantness < 0 ? "unpleasant" : "middle"}-${energy > 0 ? "high" : energy < 0 ? "low" : "middle"}`;
      const cx = at(left + c * cell, cell);
      const cy = top + r * cell;
      chart.append(svg("rect", { x: cx + 1, y: cy + 1, width: cell - 2, height: cell - 2, rx: 6, class: `cell ${quadrant}` }));
      if (!count) return;
      chart.append(
        svg("rect", { x: cx + 1, y: cy + 1, width: cell - 2, height: cell - 2, rx: 6, class: "heat", "fill-opacity": (0.25 + (0.7 * count) / most).toFixed(2) }),
        svg("text", { x: cx + cell / 2, y: cy + cell / 2 + 9, class: "count" }, formatNumber(count)),
      );
    }),
  );
  // The axes cross in the middle cell: neither pleasant nor unpleasant, neither high nor low.
  // The side words face outward (the left one reads upward), whichever word is on which side.
  const [onLeft, onRight] = rtl ? [labels.pleasant, labels.unpleasant] : [labels.unpleasant, labels.pleasant];
  chart.append(
    svg("line", { x1: left, x2: left + side, y1: top + side / 2, y2: top + side / 2, class: "axis" }),
    svg("line", { x1: left + side / 2, x2: left + side / 2, y1: top, y2: top + side, class: "axis" }),
    svg("text", { x: left + side / 2, y: top - 16, class: "axis-label", "data-user-text": "", ...workshopLanguage }, labels.high),
    svg("text", { x: left + side / 2, y: top + side + 36, class: "axis-label", "data-user-text": "", ...workshopLanguage }, labels.low),
    svg("text", { x: left - 18, y: top + side / 2, transform: `rotate(-90 ${left - 18} ${top + side / 2})`, class: "axis-label", "data-user-text": "", ...workshopLanguage }, onLeft),
    svg("text", { x: left + side + 18, y: top + side / 2, transform: `rotate(90 ${left + side + 18} ${top + side / 2})`, class: "axis-label", "data-user-text": "", ...workshopLanguage }, onRight),
  );
  if (shift) {
    const [x1, y1, x2, y2] = [x(shift.before.pleasantness), y(shift.before.energy), x(shift.after.pleasantness), y(shift.after.energy)];
    const length = Math.hypot(x2 - x1, y2 - y1);
    chart.append(svg("circle", { cx: x1, cy: y1, r: 9, class: "shift-start" }));
    if (length > 4) {
      // The head is drawn by hand (no <marker>): marker ids would clash between a report's charts.
      // The tip stops at the ring of the point it reaches, so both stay visible.
      const [ux, uy] = [(x2 - x1) / length, (y2 - y1) / length];
      const stop = Math.min(17, length / 2);
      const [tx, ty] = [x2 - ux * stop, y2 - uy * stop];
      const head = Math.min(24, length / 2);
      const [bx, by] = [tx - ux * head, ty - uy * head];
      chart.append(
        svg("line", { x1, y1, x2: bx, y2: by, class: "shift-arrow" }),
        svg("polygon", { points: `${tx},${ty} ${bx - uy * 13},${by + ux * 13} ${bx + uy * 13},${by - ux * 13}`, class: "shift-head" }),
        svg("circle", { cx: x2, cy: y2, r: 9, class: "shift-end" }),
      );
    }
  }
  if (results.mean) {
    const [mx, my] = [x(results.mean.pleasantness), y(results.mean.energy)];
    chart.append(svg("circle", { cx: mx, cy: my, r: 15, class: "mean-ring" }), svg("circle", { cx: mx, cy: my, r: 7, class: "mean-point" }));
  }
  return chart;
}

/** A paired mood grid's move in words: how many moved toward pleasant and toward calm. */
export function moodShift(figures, labels) {
  const box = el("div", { className: "shift mood-shift" });
  if (!figures) return box;
  if (figures.below_threshold) {
    box.append(el("p", { className: "waiting", text: pairsNeeded(figures.needed) }));
    return box;
  }
  const { pairs } = figures;
  const share = (count) => ({ count: formatNumber(count), pairs: formatNumber(pairs), percent: formatNumber(percent(count, pairs) / 100, { style: "percent" }) });
  box.append(
    el("h4", { className: "shift-title", text: pairsTitle(pairs) }),
    el("p", { className: "shift-line pleasant", text: _("{count} of {pairs} ({percent}) moved toward {label}", { ...share(figures.toward_pleasant), label: labels.pleasant }) }),
    el("p", { className: "shift-line calm", text: _("{count} of {pairs} ({percent}) moved toward calm ({label})", { ...share(figures.toward_calm), label: labels.low }) }),
  );
  if (figures.before && figures.after) {
    box.append(el("p", { className: "shift-line meta", text: _("Average: {before} → {after}", { before: pointWords(figures.before, labels), after: pointWords(figures.after, labels) }) }));
  }
  return box;
}

/** A paired feelings prompt: which feelings grew and which shrank among the pairs. */
export function feelingsShift(figures) {
  const box = el("div", { className: "shift feelings-shift" });
  if (!figures) return box;
  if (figures.below_threshold) {
    box.append(el("p", { className: "waiting", text: pairsNeeded(figures.needed) }));
    return box;
  }
  const byName = new Map((figures.feelings || []).map((f) => [f.option, f]));
  const list = (className, title, names) => {
    const items = names.map((name) => {
      const f = byName.get(name);
      return el("li", { className: "user-text", dir: "auto", text: `${name}: ${formatNumber(f.before)} → ${formatNumber(f.after)} (${signed(f.change)})` });
    });
    return el("div", { className: `feelings-change ${className}` }, el("h5", { text: title }), items.length ? el("ul", {}, ...items) : el("p", { className: "meta", text: _("none") }));
  };
  box.append(
    el("h4", { className: "shift-title", text: pairsTitle(figures.pairs) }),
    list("grew", _("Grew"), figures.grew || []),
    list("shrank", _("Shrank"), figures.shrank || []),
  );
  return box;
}

/** Choices as horizontal bars with their counts and percentages. */
export function choiceBars(results, rtl = rightToLeft()) {
  const options = results.options || [];
  const rowHeight = 56;
  const at = fromStart(600, rtl);
  const chart = svg("svg", {
    viewBox: `0 0 600 ${rowHeight * options.length + 8}`,
    direction: rtl ? "rtl" : "ltr",
    class: "chart chart-choices",
    role: "img",
    "aria-label": options.map((o) => _("{option}: {count}", { option: o.option, count: formatNumber(o.count) })).join(", "),
  });
  const most = Math.max(1, ...options.map((o) => o.count));
  options.forEach((option, i) => {
    const y = 4 + i * rowHeight;
    // An option is the workshop's word: its language and direction, never looked up.
    const label = svg("text", { x: at(0), y: y + 20, class: "row-label", "data-user-text": "", ...workshopLanguage }, shorten(option.option, 40));
    label.append(svg("title", {}, option.option));
    const length = Math.max(2, (470 * option.count) / most);
    chart.append(
      label,
      svg("rect", { x: at(0, length), y: y + 28, width: length, height: 20, rx: 5, class: "bar" }),
      svg("text", { x: at(480), y: y + 45, class: "row-count" }, `${formatNumber(option.count)} · ${formatNumber(option.percent / 100, { style: "percent", maximumFractionDigits: 1 })}`),
    );
  });
  return chart;
}

/** Words as a cloud: size by frequency. Each word is text, direction detected per word. */
export function wordCloud(results) {
  const words = results.words || [];
  const cloud = el("div", { className: "word-cloud" });
  if (words.length) {
    cloud.setAttribute("role", "list");
    cloud.setAttribute("aria-label", _("Words from the room"));
  }
  const most = Math.max(1, ...words.map((w) => w.count));
  const least = Math.min(most, ...words.map((w) => w.count));
  words.forEach(({ word, count }, i) => {
    // data-user-text: what people typed, shown as they typed it (never looked up in a catalogue).
    const item = el("span", { className: `cloud-word tone-${i % 4}`, dir: "auto", dataset: { userText: "" }, role: "listitem", title: ngettext("{n} time", "{n} times", count), text: word });
    const weight = most === least ? 0.5 : (count - least) / (most - least);
    item.style.fontSize = `${(1 + weight * 2.2).toFixed(2)}em`;
    cloud.append(item);
  });
  if (!words.length) cloud.append(el("p", { className: "waiting", text: results.deleted ? _("The words were deleted with the answers.") : _("No words yet") }));
  return cloud;
}

/** Words as a list (console): each answer, with its moderation status where given. */
export function wordList(results, onToggle = null) {
  const list = el("ol", { className: "word-list" });
  for (const entry of results.answers || []) {
    const item = el("li", { className: `word-entry status-${entry.status || "shown"}` });
    const text = el("span", { className: "word-text", dir: "auto", dataset: { userText: "" }, text: entry.text });
    item.append(text);
    if (entry.status && entry.status !== "shown") {
      item.append(el("span", { className: "word-status", text: entry.status === "pending" ? _("waiting for approval") : _("hidden") }));
    }
    if (onToggle && entry.id) {
      const hidden = entry.status === "hidden" || entry.status === "pending";
      const label = hidden ? (entry.status === "pending" ? _("Approve") : _("Show")) : _("Hide");
      const named = hidden
        ? entry.status === "pending"
          ? _("Approve: {answer}", { answer: entry.text })
          : _("Show: {answer}", { answer: entry.text })
        : _("Hide: {answer}", { answer: entry.text });
      item.append(el("button", { type: "button", className: "button small", "aria-label": named, text: label, onclick: () => onToggle(entry.id, !hidden) }));
    }
    list.append(item);
  }
  return list;
}

/** What the room sees before enough answers are in. */
export function waiting(results) {
  const box = el("div", { className: "results-waiting" });
  box.append(
    el("p", { className: "waiting-count", text: answers(results.count) }),
    el("p", { className: "waiting-needed", text: ngettext("{n} more answer needed before results are shown", "{n} more answers needed before results are shown", results.needed) }),
  );
  return box;
}

/**
 * Render any results object into `container`, replacing what was there.
 * `options.console` adds the console's extras (word list with moderation buttons).
 */
export function renderResults(container, results, options = {}) {
  container.replaceChildren();
  if (!results) return;
  if (results.below_threshold) {
    container.append(waiting(results));
    return;
  }
  const counted = results.deleted
    ? ngettext("{n} answer, deleted: only these figures were kept", "{n} answers, deleted: only these figures were kept", results.count)
    : answers(results.count);
  const header = el("p", { className: "results-count", text: counted });
  container.append(header);
  const rtl = rightToLeft(container);
  if (results.kind === "scale") {
    container.append(histogram(results, rtl));
    if (results.shift) container.append(shift(results.shift, rtl));
  } else if (results.kind === "choice") {
    container.append(choiceBars(results, rtl));
  } else if (results.kind === "feelings") {
    container.append(choiceBars(results, rtl));
    if (results.shift) container.append(feelingsShift(results.shift));
  } else if (results.kind === "mood") {
    container.append(moodMap(results, rtl));
    if (results.shift) container.append(moodShift(results.shift, results.labels));
  } else if (results.kind === "words") {
    container.append(wordCloud(results));
    if (options.console && results.answers) container.append(wordList(results, options.onToggle || null));
  }
}
