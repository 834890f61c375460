// Saving the draft on the kiosk (POST for a new workshop, PUT for a stored one), and what
// needs a saved workshop: starting a session with it, duplicating it, its file and history.

import { $, setText } from "./dom.js";
import { ApiError, draftKey, request } from "./studio-api.js";
import { editor, isUnsaved, main, say, showSaveState } from "./studio-editor-state.js";
import { renderProblems, renderWorkshopFields } from "./studio-forms.js";
import { freeId } from "./studio-ids.js";
import { keepDraft } from "./studio-kept-draft.js";
import { renderSteps } from "./studio-step-list.js";

/** Save the draft on the kiosk; resolves to whether it was saved. */
export async function save() {
  if (editor.builtin || editor.saving) return false;
  editor.saving = true;
  showSaveState();
  const body = JSON.parse(JSON.stringify(editor.draft.workshop));
  try {
    if (editor.workshopId) {
      const answer = await request("PUT", `/api/workshops/${encodeURIComponent(editor.workshopId)}`, body);
      editor.serverUpdatedAt = answer?.updated_at ?? editor.serverUpdatedAt;
    } else {
      const answer = await request("POST", "/api/workshops", body);
      editor.serverUpdatedAt = answer.updated_at ?? null;
      localStorage.removeItem(draftKey(""));
      editor.workshopId = answer.id;
      main.dataset.workshopId = editor.workshopId;
      history.replaceState(null, "", `/studio/${encodeURIComponent(editor.workshopId)}`);
      setText($("#heading-kind"), "Edit workshop");
      renderWorkshopFields();
      showLinks();
    }
    editor.savedJson = JSON.stringify(body);
    editor.problems = [];
    keepDraft();
    say("Saved on the kiosk.");
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && error.body && Array.isArray(error.body.errors)) {
      editor.problems = error.body.errors;
      renderSteps();
      renderProblems();
      say(`Not saved: ${error.message}. Fix the problems listed, then save again.`, true);
      $("#problems").scrollIntoView({ block: "nearest" });
    } else {
      say(`Not saved: ${error.message}`, true);
    }
    return false;
  } finally {
    editor.saving = false;
    showSaveState();
  }
}

$("#save").addEventListener("click", save);

$("#start").addEventListener("click", async () => {
  if (isUnsaved() && !editor.builtin && !(await save())) {
    say("Save the workshop before starting a session: fix what is listed, then try again.", true);
    return;
  }
  $("#start").disabled = true;
  say("Starting a session…");
  try {
    const created = await request("POST", "/api/sessions", { workshop: editor.workshopId });
    window.location.assign(created.console_url);
  } catch (error) {
    say(`No session was started: ${error.message}`, true);
    $("#start").disabled = false;
  }
});

$("#duplicate").addEventListener("click", async () => {
  try {
    const { workshops } = await request("GET", "/api/workshops");
    const copy = { ...JSON.parse(JSON.stringify(editor.draft.workshop)) };
    copy.id = freeId(new Set(workshops.map((w) => w.id)), `${editor.workshopId}-copy`);
    copy.title = `${copy.title} (copy)`.slice(0, 120);
    const created = await request("POST", "/api/workshops", copy);
    window.location.assign(`/studio/${encodeURIComponent(created.id)}`);
  } catch (error) {
    say(`Could not duplicate it: ${error.message}`, true);
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
