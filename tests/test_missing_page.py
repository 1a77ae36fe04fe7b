"""One missing page takes nothing else with it: delete the seed heuristic from
a copy of the shipped knowledge base, and every other page, both tours and
every screen still work; the links to it are Problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heuristica import demos
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.ui.knowledge_base import DEFAULT_ROOT, ENV_VAR

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
SEED = "heuristic/polars-use-spawn-not-fork"


@pytest.fixture(scope="module")
def without_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(DEFAULT_ROOT, root)
    (root / f"{SEED}.yaml").unlink()
    return root


@pytest.fixture(scope="module")
def shipped() -> LoadResult:
    return load_knowledge(DEFAULT_ROOT, demos=demos.available())


def test_every_other_page_and_every_tour_still_loads(
    without_seed: Path, shipped: LoadResult
) -> None:
    result = load_knowledge(without_seed, demos=demos.available())
    assert set(result.pages) == set(shipped.pages) - {SEED}
    assert set(result.tours) == set(shipped.tours)
    linking = [p for p in shipped.pages.values() if any(link.to == SEED for link in p.links)]
    assert linking
    broken = [p for p in result.errors if p.code == "broken-link"]
    assert len(broken) >= len(linking) + 1  # every link to it, and the tour step showing it
    # and heuristica.toml's start page is the one removed
    assert {p.code for p in result.errors} == {"broken-link", "start-page-missing"}
    for tour in result.tours.values():
        assert all(step.page in result.pages for step in tour.steps)
    for page in result.pages.values():
        assert all(link.to in result.pages for link in page.links)


def test_the_tours_page_shows_every_step_of_both_tours(
    without_seed: Path, shipped: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(without_seed))
    for tour_id, tour in shipped.tours.items():
        steps = [step for step in tour.steps if step.page != SEED]
        for number in range(1, len(steps) + 1):
            # a new session per step, as a browser opening each step's link gets
            # (within one session the tour's position, not the URL, owns the step)
            app = AppTest.from_file(str(APP), default_timeout=30)
            app.switch_page("pages/tour.py")
            app.query_params["tour"] = tour_id
            app.query_params["step"] = str(number)
            app.run()
            assert not app.exception, app.exception
            assert not app.main.warning, [w.value for w in app.main.warning]
            heading = next(h.value for h in app.subheader if h.value[:1].isdigit())
            assert heading.startswith(f"{number}. ")


def test_the_explorer_counts_the_other_pages_and_names_the_problems(
    without_seed: Path, shipped: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(without_seed))
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception, app.exception
    assert app.sidebar.caption[0].value.startswith(f"**{len(shipped.pages) - 1} pages**")
    assert any("see **Problems**" in warning.value for warning in app.sidebar.warning)
