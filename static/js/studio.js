// The studio's list: the kiosk's workshops, built-in ones to duplicate, its own to edit,
// download or delete; a new one, or one imported from a YAML file.

import { $, el, setText } from "./dom.js";
import { _, ngettext } from "./i18n.js";
import { ApiError, draftKey, duration, problemText, request, when } from "./studio-api.js";

const status = $("#status");
let known = [];

function say(text, problem = false) {
  setText(status, text);
  status.classList.toggle("problem", problem);
}

function summary(w) {
  const params = { time: duration(w.planned_seconds), language: w.language || "en" };
  if (w.updated_at && !w.builtin) {
    return ngettext("{n} step · {time} of timed exercises · language {language} · saved {saved}", "{n} steps · {time} of timed exercises · language {language} · saved {saved}", w.steps, { ...params, saved: when(w.updated_at) });
  }
  return ngettext("{n} step · {time} of timed exercises · language {language}", "{n} steps · {time} of timed exercises · language {language}", w.steps, params);
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
  say(_("Duplicating “{title}”…", { title: w.title }));
  try {
    const original = await request("GET", `/api/workshops/${encodeURIComponent(w.id)}`);
    const copy = { ...original, id: freeId(w.id), title: _("{title} (copy)", { title: original.title }).slice(0, 120) };
    delete copy.builtin;
    delete copy.updated_at;
    const created = await request("POST", "/api/workshops", copy);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say(_("Could not duplicate “{title}”: {reason}", { title: w.title, reason: error.message }), true);
    button.disabled = false;
  }
}

async function remove(w, button) {
  if (!window.confirm(_("Delete the workshop “{title}”? Reports of sessions already run with it are kept.", { title: w.title }))) return;
  button.disabled = true;
  try {
    await request("DELETE", `/api/workshops/${encodeURIComponent(w.id)}`);
    localStorage.removeItem(draftKey(w.id));
    say(_("Deleted “{title}”.", { title: w.title }));
    await load();
  } catch (error) {
    say(_("Could not delete “{title}”: {reason}", { title: w.title, reason: error.message }), true);
    button.disabled = false;
  }
}

function item(w) {
  const id = encodeURIComponent(w.id);
  // The workshop's title, in its own language.
  const heading = el("h3", { className: "user-text", lang: w.language || "en", dir: "auto", text: w.title });
  const actions = el("div", { className: "studio-item-actions" });
  if (w.builtin) {
    const copy = el("button", { type: "button", className: "button primary", text: _("Duplicate to edit"), "aria-label": _("Duplicate to edit: {title}", { title: w.title }) });
    copy.addEventListener("click", () => duplicate(w, copy));
    actions.append(
      copy,
      el("a", { className: "button", href: `/studio/${id}`, text: _("View"), "aria-label": _("View {title}", { title: w.title }) }),
    );
  } else {
    const del = el("button", { type: "button", className: "button danger", text: _("Delete"), "aria-label": _("Delete {title}", { title: w.title }) });
    del.addEventListener("click", () => remove(w, del));
    const copy = el("button", { type: "button", className: "button", text: _("Duplicate"), "aria-label": _("Duplicate {title}", { title: w.title }) });
    copy.addEventListener("click", () => duplicate(w, copy));
    actions.append(
      el("a", { className: "button primary", href: `/studio/${id}`, text: _("Edit"), "aria-label": _("Edit {title}", { title: w.title }) }),
      el("a", { className: "button", href: `/api/workshops/${id}.yaml`, download: `${w.id}.yaml`, text: _("Download YAML"), "aria-label": _("Download YAML of {title}", { title: w.title }) }),
      copy,
      del,
    );
  }
  actions.append(el("a", { className: "button quiet", href: `/studio/${id}/history`, text: _("History"), "aria-label": _("History of {title}", { title: w.title }) }));
  return el("li", { className: "card studio-item", dataset: { id: w.id } }, heading, el("p", { className: "meta", text: summary(w) }), actions);
}

async function load() {
  try {
    const data = await request("GET", "/api/workshops");
    known = data.workshops || [];
  } catch (error) {
    say(_("The workshops could not be loaded: {reason}", { reason: error.message }), true);
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

function showImportProblems(error, fileName) {
  const box = $("#import-result");
  const body = error.body || {};
  const problems = Array.isArray(body.errors) ? body.errors : [];
  const reason = problems.length ? ngettext("it has {n} problem.", "it has {n} problems.", problems.length) : error.message;
  const children = [el("p", { className: "error", text: _("{file} was not imported: {reason}", { file: fileName, reason }) })];
  if (problems.length) {
    // "line 12: step 3 ('hug') → prompt.max: …": the line, then the kiosk's words for it.
    children.push(el("ul", { className: "problems" }, ...problems.map((p) => el("li", { text: problemText(p, { withLine: true }) }))));
  }
  if (body.draft && typeof body.draft === "object") {
    // The rest of the file is sound: it opens in the editor, the broken steps marked there.
    const open = el("button", { type: "button", className: "button primary", text: _("Open it in the editor to fix it") });
    open.addEventListener("click", () => {
      localStorage.setItem(draftKey(""), JSON.stringify({ saved_at: Date.now(), workshop: body.draft, imported: fileName }));
      window.location.assign("/studio/new");
    });
    children.push(el("p", { text: _("The rest of the file is kept: fix the marked steps in the editor, then save.") }), open);
  } else if (error.status === 400) {
    children.push(el("p", { text: _("Fix the file where it says, then import it again.") }));
  }
  box.replaceChildren(...children);
  box.hidden = false;
}

$("#import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#import-result");
  const file = $("#import-file").files[0];
  if (!file) {
    box.replaceChildren(el("p", { className: "error", text: _("Choose a workshop file (.yaml) first, then Import.") }));
    box.hidden = false;
    return;
  }
  box.hidden = true;
  say(_("Importing {file}…", { file: file.name }));
  try {
    const text = await file.text();
    const created = await request("POST", "/api/workshops", text, { yaml: true });
    say(_("Imported {file}.", { file: file.name }));
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say("");
    if (error instanceof ApiError) showImportProblems(error, file.name);
    else throw error;
  }
});

load();
