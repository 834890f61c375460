// The report page: fetch the session's report with the facilitator's token (from the link's
// fragment or this tab's console) or the home page's cookie, and draw every chart.

import { reportData } from "./addresses.js";
import { renderResults } from "./charts.js";
import { el, textWith } from "./dom.js";
import { bearerHeaders, downloadExport, facilitatorToken } from "./downloads.js";
import { _, formatNumber, locale, ngettext, say, workshopLanguage } from "./i18n.js";
import { durationText } from "./timer.js";

const main = document.querySelector("main.report");
const code = main.dataset.code;
const status = document.getElementById("report-status");
const token = facilitatorToken(code);
const headers = bearerHeaders(token);

function workshopText(text) {
  return el("span", { className: "user-text", text, ...workshopLanguage });
}

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
    const step = cell("th", "");
    step.append(workshopText(`${row.index + 1}. ${row.title}`));
    tr.append(step, cell("td", durationText(row.planned_ms)), cell("td", durationText(row.taken_ms)));
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
      ? _("The answers of this session were deleted and no figures were kept.")
      : _("This workshop asks no questions.");
    box.append(empty);
  }
  for (const prompt of report.prompts) {
    const section = document.createElement("section");
    section.className = `report-prompt kind-${prompt.results ? prompt.results.kind : "none"}`;
    const title = document.createElement("h3");
    const words = _("Step {index}: {question}", { index: formatNumber(prompt.step_index + 1) });
    title.replaceChildren(...textWith(words, { question: workshopText(prompt.question) }));
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
        ? _("Open this report from the session's console or the facilitator home to see it.")
        : say(body.message ?? body.error) || _("The report could not be loaded ({status}).", { status: response.status });
    return;
  }
  const report = await response.json();
  // When it started, the page's language's way (its date order, 24 h or AM/PM, its digits).
  const started = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" }).format(new Date(report.session.created_ms));
  const facts = [
    started,
    ngettext("{n} step", "{n} steps", report.workshop.steps.length),
    report.session.ended ? _("ended") : _("still running"),
  ];
  if (report.session.answers_deleted) facts.push(_("answers deleted, figures kept"));
  document.getElementById("report-meta").textContent = facts.join(" · ");
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
