"""The Browse page, run through the app shell by Streamlit's AppTest on small
knowledge bases written for each test."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import PageType
from heuristica.ui.app_style import APP_CSS
from heuristica.ui.knowledge_base import ENV_VAR
from tests.explorer_links import explorer_links
from tests.kb import page, write

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
MALICIOUS = Path(__file__).parent / "fixtures" / "malicious_kb"

PAGES = {
    "principle/process-start-methods": ("Process start methods", ["Multiprocessing"]),
    "implementation/polars-thread-pool": ("Polars thread pool", ["Polars", "Concurrency"]),
    "heuristic/use-spawn": ("Polars: use spawn, not fork", ["Polars", "Debugging"]),
    "environment/linux": ("Linux with glibc", ["Operating_Systems"]),
}


def browse(root: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(root))
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.switch_page("pages/browse.py").run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def small(tmp_path: Path) -> Path:
    for page_id, (title, domains) in PAGES.items():
        write(tmp_path, f"{page_id}.yaml", page(page_id, title=title, domains=domains))
    return tmp_path


def listed(app: AppTest) -> list[str]:
    """Ids of the pages listed, in order (every entry is a real URL of the
    page in the explorer)."""
    links = [link for _, link in explorer_links(app)]
    assert all(link["href"] == f"./?node={quote(link['id'], safe='')}" for link in links)
    return [link["id"] for link in links]


def shown(markdown: str) -> str:
    """Markdown source as it reads on screen (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def count_caption(app: AppTest) -> str:
    return next(shown(c.value) for c in app.caption if re.match(r"\d+ of \d+ pages", c.value))


def test_every_page_is_listed_by_title_as_a_link_to_the_explorer(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    by_title = sorted(PAGES, key=lambda page_id: PAGES[page_id][0].lower())
    assert listed(app) == by_title
    assert count_caption(app) == "4 of 4 pages"


def test_words_with_a_typo_filter_the_list_best_match_first(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    app.text_input(key="browse_query").input("polrs").run()
    found = listed(app)
    # Both titled "Polars" first; the Linux page only lists polars among its dependencies.
    assert set(found[:2]) == {"implementation/polars-thread-pool", "heuristic/use-spawn"}
    assert found[2:] == ["environment/linux"]
    assert count_caption(app) == "3 of 4 pages, best match first. “polrs” read as “polars”."


def test_words_no_page_has_together_list_pages_with_some_and_say_so(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    app.text_input(key="browse_query").input("glibc pool").run()
    assert set(listed(app)) == {"environment/linux", "implementation/polars-thread-pool"}
    assert count_caption(app) == (
        "2 of 4 pages, best match first; no page has every word, these have some"
    )


def test_a_word_filter_keeps_only_pages_with_every_word(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    app.text_input(key="browse_query").input("polars pool").run()
    assert listed(app) == ["implementation/polars-thread-pool"]


def test_type_filter_keeps_only_that_type(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = browse(small, monkeypatch)
    app.multiselect(key="browse_types").select(PageType.HEURISTIC).run()
    assert listed(app) == ["heuristic/use-spawn"]


def test_domain_filter_keeps_pages_with_any_chosen_domain(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    domains = app.multiselect(key="browse_domains")
    assert domains.options == [
        "Concurrency",
        "Debugging",
        "Multiprocessing",
        "Operating_Systems",
        "Polars",
    ]
    domains.select("Debugging").select("Operating_Systems").run()
    assert listed(app) == ["environment/linux", "heuristic/use-spawn"]


def test_no_match_says_so(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = browse(small, monkeypatch)
    app.text_input(key="browse_query").input("zzqxv").run()
    assert listed(app) == []
    assert [shown(i.value) for i in app.info] == [
        "No page matches these filters. No page has “zzqxv”."
    ]


def test_a_filter_that_lists_nothing_says_only_that(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    app.multiselect(key="browse_types").select(PageType.HEURISTIC).run()
    app.text_input(key="browse_query").input("glibc pool").run()
    assert listed(app) == []
    assert [c.value for c in app.caption if re.match(r"\d+ of \d+ pages", c.value)] == []
    assert [i.value for i in app.info] == ["No page matches these filters."]


def test_a_long_list_is_shown_a_hundred_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(105):
        write(tmp_path, f"p{n}.yaml", page(f"principle/page-{n:03d}", title=f"Page {n:03d}"))
    app = browse(tmp_path, monkeypatch)
    assert len(listed(app)) == 100
    more = app.button[0]
    assert more.label == "Show 5 more of 5"
    more.click().run()
    assert len(listed(app)) == 105
    assert not app.button


def test_hostile_titles_are_listed_as_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent as the titles are, to be set as text (tests/e2e/test_panel_xss.py
    checks that nothing runs in the browser)."""
    app = browse(MALICIOUS, monkeypatch)
    labels = [link["title"] for _, link in explorer_links(app)]
    titles = {page.title for page in load_knowledge(MALICIOUS).pages.values()}
    assert sorted(labels) == sorted(titles) and len(labels) == 4
    assert [m.value for m in app.markdown if m.allow_html] == [APP_CSS.strip()], "only the style"


def test_the_whole_knowledge_base_downloads_as_graphml_and_json(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browse(small, monkeypatch)
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Knowledge base as GraphML", "Knowledge base as JSON"]
