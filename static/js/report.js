// The report page: fetch the session's report with the facilitator's token (from the link's
// fragment or this tab's console) or the home page's cookie, and draw every chart.

import { reportData } from "./addresses.js";
import { renderResults } from "./charts.js";
import { bearerHeaders, downloadExport, facilitatorToken } from "./downloads.js";
import { durationText } from "./timer.js";

const main = document.querySelector("main.report");
const code = main.dataset.code;
const status = document.getElementById("report-status");
const token = facilitatorToken(code);
const headers = bearerHeaders(token);

function cell(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (tag === "th") node.scope = "row";
  return node;
}

function showTimings(report) {
  const body = document.getElementById("timings");
  body.replaceChildren();
  const seen = new Set();
  let planned = 0;
  let taken = 0;
  for (const row of report.timings) {
    const tr = document.createElement("tr");
    if (seen.has(row.index)) tr.className = "revisit";
    else planned += row.planned_ms || 0;
    seen.add(row.index);
    taken += row.taken_ms;
    tr.append(cell("th", `${row.index + 1}. ${row.title}`), cell("td", durationText(row.planned_ms)), cell("td", durationText(row.taken_ms)));
    body.append(tr);
  }
  document.getElementById("planned-total").textContent = durationText(report.workshop.planned_ms);
  document.getElementById("taken-total").textContent = durationText(taken);
}

function showPrompts(report) {
  const box = document.getElementById("prompts");
  box.replaceChildren();
  if (!report.prompts.length) {
    const empty = document.createElement("p");
    empty.textContent = report.session.answers_deleted
      ? "The answers of this session were deleted and no figures were kept."
      : "This workshop asks no questions.";
    box.append(empty);
  }
  for (const prompt of report.prompts) {
    const section = document.createElement("section");
    section.className = `report-prompt kind-${prompt.results ? prompt.results.kind : "none"}`;
    const title = document.createElement("h3");
    title.textContent = `Step ${prompt.step_index + 1}: ${prompt.question}`;
    title.dir = "auto";
    const chart = document.createElement("div");
    section.append(title, chart);
    renderResults(chart, prompt.results, { console: true });
    box.append(section);
  }
}

async function load() {
  const response = await fetch(reportData(code), { headers, credentials: "same-origin" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    status.textContent =
      response.status === 401
        ? "Open this report from the session's console or the facilitator home to see it."
        : body.error || `The report could not be loaded (${response.status}).`;
    return;
  }
  const report = await response.json();
  const started = new Date(report.session.created_ms);
  document.getElementById("report-meta").textContent =
    `${started.toLocaleString()} · ${report.workshop.steps.length} steps` +
    (report.session.ended ? " · ended" : " · still running") +
    (report.session.answers_deleted ? " · answers deleted, figures kept" : "");
  showTimings(report);
  showPrompts(report);
  document.body.dataset.loaded = "true";
}

async function save(kind) {
  const problem = await downloadExport(code, kind, headers);
  if (problem) status.textContent = problem;
}

document.getElementById("print").addEventListener("click", () => window.print());
document.getElementById("export-csv").addEventListener("click", () => save("csv"));
document.getElementById("export-json").addEventListener("click", () => save("json"));
load();
