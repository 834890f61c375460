// Undo and redo of the last 50 edits (buttons, Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y), and Ctrl+S.

import { $ } from "./dom.js";
import { announce, editor, say } from "./studio-editor-state.js";
import { save } from "./studio-save.js";

$("#undo").addEventListener("click", () => editor.draft.undo() && say("Undone."));
$("#redo").addEventListener("click", () => editor.draft.redo() && say("Redone."));

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (!mod || editor.builtin) return;
  const key = event.key.toLowerCase();
  if (key === "z" && !event.shiftKey) {
    event.preventDefault();
    if (editor.draft.undo()) announce("Undone.");
  } else if ((key === "z" && event.shiftKey) || key === "y") {
    event.preventDefault();
    if (editor.draft.redo()) announce("Redone.");
  } else if (key === "s") {
    event.preventDefault();
    save();
  }
});
