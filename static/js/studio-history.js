// A workshop's history: the sessions run with it, each with the shift of its paired prompts
// (scales, mood grids, feelings) drawn as charts.js draws it in the room, side by side; hidden
// below the privacy threshold.

import { feelingsShift, moodShift, shift } from "./charts.js";
import { $, el, setText } from "./dom.js";
import { _, formatNumber, ngettext } from "./i18n.js";
import { request, when } from "./studio-api.js";

const id = $("main.studio-history").dataset.workshopId;

/** A number with its sign, to two decimals at most ("+1.25", "−0.5", "0"), in the page's digits. */
function signedNumber(value) {
  if (typeof value !== "number") return "—";
  const rounded = Math.round(Math.abs(value) * 100) / 100;
  const shown = formatNumber(rounded, { maximumFractionDigits: 2 });
  return value > 0 && rounded ? `+${shown}` : value < 0 && rounded ? `−${shown}` : formatNumber(0);
}

/** A paired mood grid: charts.js's words for the move, and both axes' means before → after. */
function moodFigure(pair) {
  const figures = { pairs: pair.count, before: pair.mean_before, after: pair.mean_after, toward_pleasant: pair.toward_pleasant, toward_calm: pair.toward_calm };
  const means = el(
    "table",
    { className: "pair-table mood-means" },
    el("caption", { className: "meta", text: _("Average of the pairs, from {low} to {high}", { low: signedNumber(-3), high: signedNumber(3) }) }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }), el("th", { scope: "col", text: _("Before") }), el("th", { scope: "col", text: _("After") }))),
    el(
      "tbody",
      {},
      ...[
        // The axis' end as the workshop words it, inside the page's sentence.
        ["pleasantness", _("Pleasantness (toward {word})", { word: pair.labels.pleasant })],
        ["energy", _("Energy (toward {word})", { word: pair.labels.high })],
      ].map(([axis, label]) =>
        el("tr", { dataset: { axis } }, el("th", { scope: "row", dir: "auto", text: label }), el("td", { text: signedNumber(pair.mean_before?.[axis]) }), el("td", { text: signedNumber(pair.mean_after?.[axis]) })),
      ),
    ),
  );
  return [moodShift(figures, pair.labels), means];
}

/** A paired feelings prompt: each feeling offered, how many named it before and after. */
function feelingsFigure(pair) {
  const feelings = Array.isArray(pair.feelings) ? pair.feelings : [];
  const table = el(
    "table",
    { className: "pair-table feelings-counts" },
    el("caption", { className: "meta", text: ngettext("How many of the {n} pair named each feeling", "How many of the {n} pairs named each feeling", pair.count) }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: _("Feeling") }), el("th", { scope: "col", text: _("Before") }), el("th", { scope: "col", text: _("After") }), el("th", { scope: "col", text: _("Difference") }))),
    el(
      "tbody",
      {},
      ...feelings.map((f) =>
        el("tr", {}, el("th", { scope: "row", className: "user-text", dir: "auto", text: f.option }), el("td", { text: formatNumber(f.before) }), el("td", { text: formatNumber(f.after) }), el("td", { text: signedNumber(f.change) })),
      ),
    ),
  );
  const grew = feelings.filter((f) => f.change > 0).sort((a, b) => b.change - a.change).map((f) => f.option);
  const shrank = feelings.filter((f) => f.change < 0).sort((a, b) => a.change - b.change).map((f) => f.option);
  return [feelingsShift({ pairs: pair.count, feelings, grew, shrank }), table];
}

const KIND_WORDS = { scale: _("Paired scale"), mood: _("Paired mood grid"), feelings: _("Paired feelings") };

/** One before → after pair: charts.js's chart of its kind, or words when it is hidden. */
function pairFigure(pair) {
  const kind = KIND_WORDS[pair.kind] ? pair.kind : "scale";
  const title = el("h4", { className: "pair-title user-text", text: `${pair.before} → ${pair.after}` });
  const what = el("p", { className: "meta pair-kind", text: KIND_WORDS[kind] });
  if (pair.hidden) {
    return el("figure", { className: `pair hidden-pair pair-${kind}` }, title, what, el("p", { className: "meta", text: _("Not enough answers to show: fewer people answered both than the privacy threshold allows.") }));
  }
  let figures;
  if (kind === "mood") figures = moodFigure(pair);
  else if (kind === "feelings") figures = feelingsFigure(pair);
  else figures = [shift({ pairs: pair.count, up: pair.better, same: pair.same, down: pair.worse, mean_change: pair.mean_shift })];
  return el("figure", { className: `pair pair-${kind}` }, title, what, ...figures);
}

function sessionItem(s) {
  const started = when(s.started_at) || _("Session");
  const pairs = Array.isArray(s.pairs) ? s.pairs : [];
  return el(
    "li",
    { className: "card history-session" },
    el("h2", { text: ngettext("{start} · {n} person", "{start} · {n} people", s.people, { start: started }) }),
    el("p", { className: "meta", text: s.ended_at ? _("Session {code} · ended {time}", { code: s.code, time: when(s.ended_at) }) : _("Session {code} · still running", { code: s.code }) }),
    pairs.length
      ? el("div", { className: "pairs" }, ...pairs.map(pairFigure))
      : el("p", { className: "meta", text: _("No paired before/after questions in this session.") }),
  );
}

async function load() {
  try {
    const [workshop, history] = await Promise.all([
      request("GET", `/api/workshops/${encodeURIComponent(id)}`).catch(() => null),
      request("GET", `/api/workshops/${encodeURIComponent(id)}/history`),
    ]);
    if (workshop) {
      $("#heading-colon").hidden = false;
      setText($("#heading-title"), workshop.title);
      $("#heading-title").lang = workshop.language || "en";
      $("#heading-title").dir = "auto";
      document.title = _("History of {title} · Workshop studio · Attune", { title: workshop.title });
    }
    const sessions = history.sessions || [];
    $("#sessions").replaceChildren(...sessions.map(sessionItem));
    if (!sessions.length) setText($("#status"), _("No session has been run with this workshop yet. Start one from the editor or the facilitator home."));
  } catch (error) {
    setText($("#status"), _("The history could not be loaded: {reason}", { reason: error.message }));
    $("#status").classList.add("problem");
  }
  document.body.dataset.loaded = "true";
}

load();
