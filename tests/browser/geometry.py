"""Where things are on a page: inside the window, not covered, not overlapping."""

from __future__ import annotations

# The element's box, whether it lies inside the window, and what a click at its centre hits.
_PLACE = """(node) => {
  const r = node.getBoundingClientRect();
  const x = r.left + r.width / 2;
  const y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {
    box: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
    window: {width: window.innerWidth, height: window.innerHeight},
    inside: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
      && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
    hit: hit === node || node.contains(hit),
    hitWhat: hit ? hit.outerHTML.slice(0, 120) : null,
  };
}"""


def place(locator) -> dict:
    """The box of the element `locator` names, and whether a click at its centre reaches it."""
    return locator.evaluate(_PLACE)


def assert_on_screen(locator, what: str) -> None:
    """The element is wholly inside the window and nothing covers its centre."""
    where = place(locator)
    assert where["inside"], f"{what} is not wholly on screen: {where}"
    assert where["hit"], f"{what} is covered by {where['hitWhat']}: {where}"


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes ({left, top, right, bottom}) share any area."""
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )
