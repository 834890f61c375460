// A workshop's history: the sessions run with it, each with the shift of its paired prompts
// (scales, mood grids, feelings) drawn as charts.js draws it in the room, side by side; hidden
// below the privacy threshold.

import { feelingsShift, moodShift, shift } from "./charts.js";
import { $, el, setText } from "./dom.js";
import { request } from "./studio-api.js";

const id = $("main.studio-history").dataset.workshopId;

function when(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : "";
}

/** A number with its sign, to two decimals at most ("+1.25", "−0.5", "0"). */
function signedNumber(value) {
  if (typeof value !== "number") return "—";
  const shown = String(Math.round(Math.abs(value) * 100) / 100);
  return value > 0 ? `+${shown}` : value < 0 ? `−${shown}` : "0";
}

/** A paired mood grid: charts.js's words for the move, and both axes' means before → after. */
function moodFigure(pair) {
  const figures = { pairs: pair.count, before: pair.mean_before, after: pair.mean_after, toward_pleasant: pair.toward_pleasant, toward_calm: pair.toward_calm };
  const means = el(
    "table",
    { className: "pair-table mood-means" },
    el("caption", { className: "meta", text: "Average of the pairs, from −3 to +3" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }), el("th", { scope: "col", text: "Before" }), el("th", { scope: "col", text: "After" }))),
    el(
      "tbody",
      {},
      ...[
        ["pleasantness", `Pleasantness (toward ${pair.labels.pleasant})`],
        ["energy", `Energy (toward ${pair.labels.high})`],
      ].map(([axis, label]) =>
        el("tr", { dataset: { axis } }, el("th", { scope: "row", className: "user-text", text: label }), el("td", { text: signedNumber(pair.mean_before?.[axis]) }), el("td", { text: signedNumber(pair.mean_after?.[axis]) })),
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
    el("caption", { className: "meta", text: `How many of the ${pair.count} pairs named each feeling` }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Feeling" }), el("th", { scope: "col", text: "Before" }), el("th", { scope: "col", text: "After" }), el("th", { scope: "col", text: "Change" }))),
    el(
      "tbody",
      {},
      ...feelings.map((f) =>
        el("tr", {}, el("th", { scope: "row", className: "user-text", dir: "auto", text: f.option }), el("td", { text: String(f.before) }), el("td", { text: String(f.after) }), el("td", { text: signedNumber(f.change) })),
      ),
    ),
  );
  const grew = feelings.filter((f) => f.change > 0).sort((a, b) => b.change - a.change).map((f) => f.option);
  const shrank = feelings.filter((f) => f.change < 0).sort((a, b) => a.change - b.change).map((f) => f.option);
  return [feelingsShift({ pairs: pair.count, feelings, grew, shrank }), table];
}

const KIND_WORDS = { scale: "scale", mood: "mood grid", feelings: "feelings" };

/** One before → after pair: charts.js's chart of its kind, or words when it is hidden. */
function pairFigure(pair) {
  const kind = KIND_WORDS[pair.kind] ? pair.kind : "scale";
  const title = el("h4", { className: "pair-title user-text", text: `${pair.before} → ${pair.after}` });
  const what = el("p", { className: "meta pair-kind", text: `Paired ${KIND_WORDS[kind]}` });
  if (pair.hidden) {
    return el("figure", { className: `pair hidden-pair pair-${kind}` }, title, what, el("p", { className: "meta", text: "Not enough answers to show: fewer people answered both than the privacy threshold allows." }));
  }
  let figures;
  if (kind === "mood") figures = moodFigure(pair);
  else if (kind === "feelings") figures = feelingsFigure(pair);
  else figures = [shift({ pairs: pair.count, up: pair.better, same: pair.same, down: pair.worse, mean_change: pair.mean_shift })];
  return el("figure", { className: `pair pair-${kind}` }, title, what, ...figures);
}

function sessionItem(s) {
  const started = when(s.started_at);
  const ended = s.ended_at ? `ended ${when(s.ended_at)}` : "still running";
  const people = `${s.people} ${s.people === 1 ? "person" : "people"}`;
  const pairs = Array.isArray(s.pairs) ? s.pairs : [];
  return el(
    "li",
    { className: "card history-session" },
    el("h2", { text: `${started || "Session"} · ${people}` }),
    el("p", { className: "meta", text: `Session ${s.code} · ${ended}` }),
    pairs.length
      ? el("div", { className: "pairs" }, ...pairs.map(pairFigure))
      : el("p", { className: "meta", text: "No paired before/after questions in this session." }),
  );
}

async function load() {
  try {
    const [workshop, history] = await Promise.all([
      request("GET", `/api/workshops/${encodeURIComponent(id)}`).catch(() => null),
      request("GET", `/api/workshops/${encodeURIComponent(id)}/history`),
    ]);
    if (workshop) {
      setText($("#heading-title"), `: ${workshop.title}`);
      document.title = `History of ${workshop.title} · Workshop studio · Attune`;
    }
    const sessions = history.sessions || [];
    $("#sessions").replaceChildren(...sessions.map(sessionItem));
    if (!sessions.length) setText($("#status"), "No session has been run with this workshop yet. Start one from the editor or the facilitator home.");
  } catch (error) {
    setText($("#status"), `The history could not be loaded: ${error.message}`);
    $("#status").classList.add("problem");
  }
  document.body.dataset.loaded = "true";
}

load();
