// The studio's list: the kiosk's workshops, built-in ones to duplicate, its own to edit,
// download or delete; a new one, or one imported from a YAML file.

import { $, el, setText } from "./dom.js";
import { ApiError, draftKey, duration, request } from "./studio-api.js";

const status = $("#status");
let known = [];

function say(text, problem = false) {
  setText(status, text);
  status.classList.toggle("problem", problem);
}

function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString();
}

function summary(w) {
  const steps = `${w.steps} ${w.steps === 1 ? "step" : "steps"}`;
  const saved = w.updated_at && !w.builtin ? ` · saved ${when(w.updated_at)}` : "";
  return `${steps} · ${duration(w.planned_seconds)} of timed exercises · language ${w.language || "en"}${saved}`;
}

/** An id not used yet: "calm-copy", "calm-copy-2", ... (ids are at most 64 characters). */
function freeId(base) {
  const taken = new Set(known.map((w) => w.id));
  const stem = `${base.slice(0, 50)}-copy`;
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n += 1) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

async function duplicate(w, button) {
  button.disabled = true;
  say(`Duplicating “${w.title}”…`);
  try {
    const original = await request("GET", `/api/workshops/${encodeURIComponent(w.id)}`);
    const copy = { ...original, id: freeId(w.id), title: `${original.title} (copy)`.slice(0, 120) };
    delete copy.builtin;
    delete copy.updated_at;
    const created = await request("POST", "/api/workshops", copy);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say(`Could not duplicate “${w.title}”: ${error.message}`, true);
    button.disabled = false;
  }
}

async function remove(w, button) {
  if (!window.confirm(`Delete the workshop “${w.title}”? Reports of sessions already run with it are kept.`)) return;
  button.disabled = true;
  try {
    await request("DELETE", `/api/workshops/${encodeURIComponent(w.id)}`);
    localStorage.removeItem(draftKey(w.id));
    say(`Deleted “${w.title}”.`);
    await load();
  } catch (error) {
    say(`Could not delete “${w.title}”: ${error.message}`, true);
    button.disabled = false;
  }
}

function item(w) {
  const id = encodeURIComponent(w.id);
  const heading = el("h3", { className: "user-text", text: w.title });
  const actions = el("div", { className: "studio-item-actions" });
  if (w.builtin) {
    const copy = el("button", { type: "button", className: "button primary", text: "Duplicate to edit", "aria-label": `Duplicate to edit: ${w.title}` });
    copy.addEventListener("click", () => duplicate(w, copy));
    actions.append(
      copy,
      el("a", { className: "button", href: `/studio/${id}`, text: "View", "aria-label": `View ${w.title}` }),
    );
  } else {
    const del = el("button", { type: "button", className: "button danger", text: "Delete", "aria-label": `Delete ${w.title}` });
    del.addEventListener("click", () => remove(w, del));
    const copy = el("button", { type: "button", className: "button", text: "Duplicate", "aria-label": `Duplicate ${w.title}` });
    copy.addEventListener("click", () => duplicate(w, copy));
    actions.append(
      el("a", { className: "button primary", href: `/studio/${id}`, text: "Edit", "aria-label": `Edit ${w.title}` }),
      el("a", { className: "button", href: `/api/workshops/${id}.yaml`, download: `${w.id}.yaml`, text: "Download YAML", "aria-label": `Download YAML of ${w.title}` }),
      copy,
      del,
    );
  }
  actions.append(el("a", { className: "button quiet", href: `/studio/${id}/history`, text: "History", "aria-label": `History of ${w.title}` }));
  return el("li", { className: "card studio-item", dataset: { id: w.id } }, heading, el("p", { className: "meta", text: summary(w) }), actions);
}

async function load() {
  try {
    const data = await request("GET", "/api/workshops");
    known = data.workshops || [];
  } catch (error) {
    say(`The workshops could not be loaded: ${error.message}`, true);
    return;
  }
  const byTitle = (a, b) => a.title.localeCompare(b.title);
  const own = known.filter((w) => !w.builtin).sort(byTitle);
  const builtin = known.filter((w) => w.builtin).sort(byTitle);
  $("#own-list").replaceChildren(...own.map(item));
  $("#builtin-list").replaceChildren(...builtin.map(item));
  $("#own-empty").hidden = own.length > 0;
  document.body.dataset.loaded = "true";
}

/** "line 12: step 3 ('hug') → prompt.max: …": the line, then the kiosk's own words. */
function describeProblem(problem) {
  return problem.line ? `line ${problem.line}: ${problem.message}` : problem.message;
}

function showImportProblems(error, fileName) {
  const box = $("#import-result");
  const body = error.body || {};
  const problems = Array.isArray(body.errors) ? body.errors : [];
  const children = [el("p", { className: "error", text: `${fileName} was not imported: ${error.message}` })];
  if (problems.length) {
    children.push(el("ul", { className: "problems" }, ...problems.map((p) => el("li", { className: "user-text", text: describeProblem(p) }))));
  }
  if (body.draft && typeof body.draft === "object") {
    // The rest of the file is sound: it opens in the editor, the broken steps marked there.
    const open = el("button", { type: "button", className: "button primary", text: "Open it in the editor to fix it" });
    open.addEventListener("click", () => {
      localStorage.setItem(draftKey(""), JSON.stringify({ saved_at: Date.now(), workshop: body.draft, imported: fileName }));
      window.location.assign("/studio/new");
    });
    children.push(el("p", { text: "The rest of the file is kept: fix the marked steps in the editor, then save." }), open);
  } else if (error.status === 400) {
    children.push(el("p", { text: "Fix the file where it says, then import it again." }));
  }
  box.replaceChildren(...children);
  box.hidden = false;
}

$("#import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#import-result");
  const file = $("#import-file").files[0];
  if (!file) {
    box.replaceChildren(el("p", { className: "error", text: "Choose a workshop file (.yaml) first, then Import." }));
    box.hidden = false;
    return;
  }
  box.hidden = true;
  say(`Importing ${file.name}…`);
  try {
    const text = await file.text();
    const created = await request("POST", "/api/workshops", text, { yaml: true });
    say(`Imported ${file.name}.`);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say("");
    if (error instanceof ApiError) showImportProblems(error, file.name);
    else throw error;
  }
});

load();
