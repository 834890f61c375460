// A workshop's history: the sessions run with it, each with the shift of its paired scales
// drawn as charts.js draws it in the room, side by side; hidden below the privacy threshold.

import { shift } from "./charts.js";
import { $, el, setText } from "./dom.js";
import { request } from "./studio-api.js";

const id = $("main.studio-history").dataset.workshopId;

function when(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : "";
}

/** One before → after pair: charts.js's shift chart, or words when it is hidden. */
function pairFigure(pair) {
  const title = el("h4", { className: "pair-title user-text", text: `${pair.before} → ${pair.after}` });
  if (pair.hidden) {
    return el("figure", { className: "pair hidden-pair" }, title, el("p", { className: "meta", text: "Not enough answers to show: fewer people answered both than the privacy threshold allows." }));
  }
  const chart = shift({ pairs: pair.count, up: pair.better, same: pair.same, down: pair.worse, mean_change: pair.mean_shift });
  return el("figure", { className: "pair" }, title, chart);
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
      : el("p", { className: "meta", text: "No before/after scales in this session." }),
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
