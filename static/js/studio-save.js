// Saving the draft on the kiosk (POST for a new workshop, PUT for a stored one, over the
// version it was based on only: a newer one saved elsewhere is never overwritten unasked), and
// what needs a saved workshop: starting a session with it, duplicating it, its file and history.

import { $, setText } from "./dom.js";
import { _, ngettext } from "./i18n.js";
import { ApiError, draftKey, request, stripServerFields, when } from "./studio-api.js";
import { editor, isUnsaved, main, say, showSaveState } from "./studio-editor-state.js";
import { renderProblems, renderWorkshopFields } from "./studio-forms.js";
import { freeId } from "./studio-ids.js";
import { keepDraft } from "./studio-kept-draft.js";
import { renderSteps } from "./studio-step-list.js";

/**
 * Save the draft on the kiosk; resolves to whether it was saved. A stored workshop is saved
 * over the version it was based on only (`If-Match`), or over `overwrite`, the version the
 * person chose to overwrite when told it had been saved elsewhere.
 */
export async function save({ overwrite = null } = {}) {
  if (editor.builtin || editor.saving) return false;
  editor.saving = true;
  showSaveState();
  const body = JSON.parse(JSON.stringify(editor.draft.workshop));
  try {
    if (editor.workshopId) {
      const basedOn = overwrite || editor.serverVersion;
      const headers = basedOn ? { "If-Match": `"${basedOn}"` } : {};
      const answer = await request("PUT", `/api/workshops/${encodeURIComponent(editor.workshopId)}`, body, { headers });
      editor.serverUpdatedAt = answer?.updated_at ?? editor.serverUpdatedAt;
      editor.serverVersion = answer?.version ?? null;
    } else {
      const answer = await request("POST", "/api/workshops", body);
      editor.serverUpdatedAt = answer.updated_at ?? null;
      editor.serverVersion = answer.version ?? null;
      localStorage.removeItem(draftKey(""));
      editor.workshopId = answer.id;
      main.dataset.workshopId = editor.workshopId;
      history.replaceState(null, "", `/studio/${encodeURIComponent(editor.workshopId)}`);
      setText($("#heading-kind"), _("Edit workshop"));
      renderWorkshopFields();
      showLinks();
    }
    editor.savedJson = JSON.stringify(body);
    editor.problems = [];
    hideConflict();
    keepDraft();
    say(_("Saved on the kiosk."));
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 412 && error.body) {
      showConflict(error.body);
      say(_("Not saved: a newer version of this workshop is on the kiosk. Choose below what to keep."), true);
    } else if (error instanceof ApiError && error.status === 400 && error.body && Array.isArray(error.body.errors)) {
      editor.problems = error.body.errors;
      renderSteps();
      renderProblems();
      const count = editor.problems.length;
      say(ngettext("Not saved: the workshop has {n} problem. Fix it where it is shown, then save again.", "Not saved: the workshop has {n} problems. Fix them where they are shown, then save again.", count), true);
      $("#problems").scrollIntoView({ block: "nearest" });
    } else {
      say(_("Not saved: {reason}", { reason: error.message }), true);
    }
    return false;
  } finally {
    editor.saving = false;
    showSaveState();
  }
}

$("#save").addEventListener("click", () => save());

// ---------- A newer version saved elsewhere ----------

let conflict = null; // the version the kiosk holds instead of the one the draft is based on

/** Say what happened when a save met a newer version, and offer both ways on. */
function showConflict(stored) {
  conflict = { version: stored.version, updatedAt: stored.updated_at };
  const savedAt = when(stored.updated_at);
  setText(
    $("#conflict-text"),
    savedAt
      ? _("Not saved: this workshop was saved again at {time} (in another tab, another browser, or by another facilitator) after you opened it. Your changes are still here, not saved. Load the saved version to see it (Undo brings your changes back), or overwrite it with yours.", { time: savedAt })
      : _("Not saved: this workshop was saved again a moment ago (in another tab, another browser, or by another facilitator) after you opened it. Your changes are still here, not saved. Load the saved version to see it (Undo brings your changes back), or overwrite it with yours."),
  );
  $("#conflict").dataset.version = stored.version || "";
  $("#conflict").hidden = false;
  $("#conflict-load").focus();
}

function hideConflict() {
  conflict = null;
  $("#conflict").hidden = true;
}

$("#conflict-load").addEventListener("click", async () => {
  let workshop;
  try {
    workshop = await request("GET", `/api/workshops/${encodeURIComponent(editor.workshopId)}`);
  } catch (error) {
    say(_("The saved version could not be loaded: {reason}", { reason: error.message }), true);
    return;
  }
  hideConflict();
  const clean = stripServerFields(workshop);
  editor.serverUpdatedAt = workshop.updated_at ?? null;
  editor.serverVersion = workshop.version ?? null;
  editor.savedJson = JSON.stringify(clean);
  // One edit: Undo puts this person's changes back, to copy what they need into it.
  editor.draft.replace(clean);
  say(_("This is the version saved on the kiosk. Undo (Ctrl+Z) brings back your changes."));
  $("#save").focus();
});

$("#conflict-overwrite").addEventListener("click", async () => {
  if (!conflict) return;
  // Over the version the person was told about only: one saved since is met again.
  if (await save({ overwrite: conflict.version })) say(_("Saved on the kiosk: your version replaced the other one."));
});

$("#start").addEventListener("click", async () => {
  if (isUnsaved() && !editor.builtin && !(await save())) {
    // A save that met a newer version has said so, with the choice to make; anything else:
    if ($("#conflict").hidden) say(_("Save the workshop before starting a session: fix what is listed, then try again."), true);
    return;
  }
  $("#start").disabled = true;
  say(_("Starting a session…"));
  try {
    const created = await request("POST", "/api/sessions", { workshop: editor.workshopId });
    window.location.assign(created.console_url);
  } catch (error) {
    say(_("No session was started: {reason}", { reason: error.message }), true);
    $("#start").disabled = false;
  }
});

$("#duplicate").addEventListener("click", async () => {
  try {
    const { workshops } = await request("GET", "/api/workshops");
    const copy = { ...JSON.parse(JSON.stringify(editor.draft.workshop)) };
    copy.id = freeId(new Set(workshops.map((w) => w.id)), `${editor.workshopId}-copy`);
    copy.title = _("{title} (copy)", { title: copy.title }).slice(0, 120);
    const created = await request("POST", "/api/workshops", copy);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say(_("Could not duplicate it: {reason}", { reason: error.message }), true);
  }
});

/** The links to a saved workshop's YAML file and history (hidden until it is saved). */
export function showLinks() {
  const { workshopId } = editor;
  const id = encodeURIComponent(workshopId);
  const download = $("#download");
  download.href = `/api/workshops/${id}.yaml`;
  download.setAttribute("download", `${workshopId}.yaml`);
  download.hidden = !workshopId;
  const historyLink = $("#history-link");
  historyLink.href = `/studio/${id}/history`;
  historyLink.hidden = !workshopId;
}
