"""Module preloads: every module a page's entry reaches, read from the modules themselves."""

import pytest

from transport.assets import ModuleGraph


@pytest.fixture
def static(tmp_path):
    files = {
        "js/page.js": (
            'import { a } from "./a.js";\n'
            "import {\n  b1,\n  b2,\n} from './b.js';\n"
            'import "./side-effect.js";\n'
            'import { io } from "/vendor/socket.io.esm.min.js";\n'
            'const later = () => import("./lazy.js");\n'
            '// import { nope } from "./commented.js";\n'
        ),
        "js/a.js": 'export * from "./c.js";\nexport { x } from "./lib/d.js";\n',
        "js/b.js": 'import { a } from "./a.js";\nexport const b1 = 1, b2 = 2;\n',
        "js/c.js": 'import { page } from "./page.js";\nexport const c = 1;\n',
        "js/lib/d.js": 'import { c } from "../c.js";\nexport const x = 1;\n',
        "js/side-effect.js": "window.x = 1;\n",
        "js/lazy.js": "export default 1;\n",
        "js/commented.js": "export const nope = 1;\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_every_module_reached_is_listed_once_nearest_first(static):
    urls = ModuleGraph(static).preloads("js/page.js")
    assert urls == [
        "/static/js/a.js",
        "/static/js/b.js",
        "/static/js/side-effect.js",
        "/vendor/socket.io.esm.min.js",
        "/static/js/c.js",
        "/static/js/lib/d.js",
    ]


def test_the_entry_dynamic_and_commented_out_imports_are_left_out(static):
    urls = ModuleGraph(static).preloads("js/page.js")
    assert "/static/js/page.js" not in urls, "its own script tag loads it (c.js imports it back)"
    assert "/static/js/lazy.js" not in urls
    assert "/static/js/commented.js" not in urls


def test_a_path_outside_the_static_folder_is_refused(static):
    (static / "js" / "escape.js").write_text('import "../../secret.js";\n')
    with pytest.raises(ValueError, match="leaves the static folder"):
        ModuleGraph(static).preloads("js/escape.js")


def test_the_kiosks_own_pages_reach_only_files_that_exist():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "static"
    graph = ModuleGraph(root)
    for page in ("phone", "screen", "console", "report"):
        urls = graph.preloads(f"js/{page}.js")
        assert urls, page
        for url in urls:
            if url.startswith("/static/"):
                assert (root / url.removeprefix("/static/")).is_file(), url
