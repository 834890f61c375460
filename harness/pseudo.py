"""A pseudo-translation, to find text a page shows that nobody marked for translation.

Every message the code uses (tools/i18n.py `extracted`) is written into a catalogue for one
language with its text wrapped in ⟦ ⟧ (placeholders kept, so parameters still fill in). A page
rendered with it shows every translated string wrapped; a visible string without the brackets
is one that would stay English in every language. Tests point the app at the folder with the
`TRANSLATIONS` setting and look at the page's text (`unmarked_texts`).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

OPEN = "⟦"
CLOSE = "⟧"


def write_pseudo_catalogue(folder: Path, language: str = "de") -> Path:
    """A catalogues folder in which `language` is the pseudo-translation; returns the folder."""
    from tools.i18n import extracted

    source = extracted()
    catalog = Catalog(locale=language, project="Attune")
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = catalog.num_plurals
            string = tuple(f"{OPEN}{message.id[min(i, 1)]}{CLOSE}" for i in range(forms))
        else:
            string = f"{OPEN}{message.id}{CLOSE}"
        catalog.add(message.id, string, message.locations)
    path = folder / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    return folder


# The visible text nodes of a page that carry no pseudo-translation brackets. Left out: the
# texts people typed or the workshop brings (`.user-text`, `[data-user-text]`), what is not a
# word in any language (digits, times, codes, punctuation), elements marked
# `data-no-translate` (a join code, a language's own name in the switch).
UNMARKED_TEXTS_SCRIPT = """
(alsoSkip) => {
  const skipped = '.user-text, [data-user-text], [data-no-translate], script, style, '
    + '.language-switch, [hidden]' + (alsoSkip ? `, ${alsoSkip}` : '');
  const skip = (el) => el.closest(skipped);
  // Inside a marked message: the node carries a bracket, or sits between an open and a close
  // one of its parent's text (a message whose placeholders are elements, dom.js textWith).
  const insideMessage = (node) => {
    if (/[\u27e6\u27e7]/.test(node.textContent)) return true;
    let before = '';
    for (const sibling of node.parentElement.childNodes) {
      if (sibling === node) break;
      before += sibling.textContent;
    }
    const opened = (before.match(/\u27e6/g) || []).length;
    const closed = (before.match(/\u27e7/g) || []).length;
    return opened > closed;
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || !/\\p{L}{2,}/u.test(text)) continue;
    const parent = node.parentElement;
    if (!parent || skip(parent)) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (insideMessage(node)) continue;
    found.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    if (skip(el)) continue;
    for (const name of ['aria-label', 'placeholder', 'title']) {
      const value = el.getAttribute(name);
      if (!value || !/\\p{L}{2,}/u.test(value) || value.includes('\\u27e6')) continue;
      found.push(`${name}=${value}`);
    }
  }
  return found;
}
"""


def unmarked_texts(page, also_skip: str = "") -> list[str]:
    """What a Playwright `page` in the pseudo-language shows that was never translated.

    `also_skip`: a CSS selector of parts to leave out (parts another change marks).
    """
    return page.evaluate(UNMARKED_TEXTS_SCRIPT, also_skip)


def start_pseudo_kiosk(workdir: Path, workshop: Path, env: dict | None = None):
    """A real kiosk (harness/pseudo_kiosk.py) speaking the pseudo-language as German.

    Its catalogues and database go in `workdir`; `env` adds settings (KIOSK_* variables).
    """
    from harness.live import LiveServer

    folder = write_pseudo_catalogue(workdir / "translations")
    return LiveServer(
        workdir / "kiosk.db",
        workshop=workshop,
        script="harness/pseudo_kiosk.py",
        env={"ATTUNE_PSEUDO_TRANSLATIONS": str(folder), **(env or {})},
    ).start()
