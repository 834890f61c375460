// Ids the editor makes up: a workshop's short name from its title, and free step and prompt ids.

export function slugOf(text) {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

/** The prompt ids a workshop uses. */
export function promptIds(w) {
  return new Set(w.steps.filter((s) => s.prompt && s.prompt.id).map((s) => s.prompt.id));
}

/** `base` as an id, with a number after it when `taken` has it already. */
export function freeId(taken, base) {
  const stem = slugOf(base).slice(0, 58) || "step";
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n += 1) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}
