// Undo and redo of the last 50 edits (buttons, Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y), and Ctrl+S.

import { $ } from "./dom.js";
import { _ } from "./i18n.js";
import { announce, editor, say } from "./studio-editor-state.js";
import { save } from "./studio-save.js";

$("#undo").addEventListener("click", () => editor.draft.undo() && say(_("Undone.")));
$("#redo").addEventListener("click", () => editor.draft.redo() && say(_("Redone.")));

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod || editor.builtin) return;
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) {
    event.preventDefault();
    if (editor.draft.undo()) announce(_("Undone."));
  } else if ((key === "z" && event.shiftKey) || key === "y") {
    event.preventDefault();
    if (editor.draft.redo()) announce(_("Redone."));
  } else if (key === "s") {
    event.preventDefault();
    save();
  }
});
