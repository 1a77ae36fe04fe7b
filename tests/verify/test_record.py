"""The verification record: what ``--record`` writes, what it says about each
page (the badge), and the warnings ``check`` and the Problems page show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heuristica.checks.environment import Environment
from heuristica.checks.record import (
    RECORD_FILE,
    BadgeState,
    page_verification,
    read_record,
    verification_problems,
    write_record,
)
from heuristica.checks.recorded import page_hash
from heuristica.checks.run import CheckResult, Status
from heuristica.checks.verify import Verification
from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import PAGE_ADAPTER
from heuristica.kb.problems import Severity
from tests.installed import REPO
from tests.kb import page, write
from tests.verify.recorded import EDITED, FAILS, HOLDS, NEVER, build
from tests.verify.test_verify import check


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("recorded"))


def states(root: Path) -> dict[str, tuple[BadgeState, str]]:
    result = load_knowledge(root)
    record = read_record(root / RECORD_FILE)
    found = {}
    for page_id, loaded in result.pages.items():
        state = page_verification(loaded, record)
        assert state is not None
        found[page_id] = (state.state, state.text)
    return found


def test_each_page_has_the_state_its_record_gives_it(recorded: Path) -> None:
    found = states(recorded)
    date = read_record(recorded / RECORD_FILE).pages[HOLDS][0].verified_at.date().isoformat()
    python = read_record(recorded / RECORD_FILE).pages[HOLDS][0].environment.python

    assert found[HOLDS] == (BadgeState.VERIFIED, f"Verified on CPython {python} · {date}")
    assert found[FAILS] == (BadgeState.FAILING, f"1 of 3 checks fails on CPython {python} · {date}")
    assert found[NEVER] == (BadgeState.NOT_VERIFIED, "Not verified")
    assert found[EDITED] == (BadgeState.STALE, f"Edited after its last verification ({date})")


def test_the_record_holds_per_page_hash_environment_date_and_each_check(recorded: Path) -> None:
    data = json.loads((recorded / RECORD_FILE).read_text())

    (run,) = data["pages"][FAILS]
    assert set(run) == {"page_hash", "verified_at", "environment", "checks", "cell"}
    assert run["cell"] is None  # a plain verify, not a matrix cell
    assert data["format"] == 2
    assert run["environment"]["implementation"] == "CPython"
    assert run["checks"]["wrong"]["status"] == "fails"
    assert run["checks"]["wrong"]["seen"] == "exit status 0, printed:\na"
    assert NEVER not in data["pages"]


def test_check_warns_about_failing_and_stale_verifications_at_the_page(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problems = [p for p in verification_problems(load_knowledge(recorded))]

    assert {(Path(p.file).name, p.code) for p in problems} == {
        ("fails.yaml", "failing-check"),
        ("edited.yaml", "stale-verification"),
    }
    assert all(p.severity is Severity.WARNING for p in problems)
    failing = next(p for p in problems if p.code == "failing-check")
    text = (recorded / "fails.yaml").read_text().splitlines()
    assert text[failing.line - 1].strip() == "- name: wrong"
    assert "check 'wrong' fails inside its declared range on CPython" in failing.message
    assert main(["check", str(recorded)]) == 0
    out = capsys.readouterr().out
    assert "warning: page 'heuristic/edited-since' was edited after its last verification" in out


def _verification(results: list[CheckResult], polars: str) -> Verification:
    environment = Environment(
        "CPython", "3.11.7", "linux", "x86_64", "/usr/bin/python3", {"polars": polars}
    )
    return Verification(environment, results)


def _result(page_id: str, status: Status) -> CheckResult:
    return CheckResult(page_id, "c", "Claim.", status, "", "", "", 0.1, ("polars",))


def test_runs_on_other_environments_are_kept_and_the_same_one_is_replaced(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(HOLDS, checks=[{"name": "c", "claim": "x", "code": "pass"}]))
    pages = list(load_knowledge(tmp_path).pages.values())
    path = tmp_path / RECORD_FILE

    write_record(path, pages, _verification([_result(HOLDS, Status.FAILS)], "1.41.0"))
    write_record(path, pages, _verification([_result(HOLDS, Status.FAILS)], "2.1.0"))
    write_record(path, pages, _verification([_result(HOLDS, Status.HOLDS)], "2.1.0"))

    runs = read_record(path).pages[HOLDS]
    assert [(r.environment.packages["polars"], r.checks["c"].status) for r in runs] == [
        ("2.1.0", Status.HOLDS),
        ("1.41.0", Status.FAILS),
    ]
    state = page_verification(pages[0], read_record(path))
    assert state is not None
    # the badge reads every environment: the one where the check still fails shows
    assert state.text.startswith("Fails on polars 1.41 · ")
    assert [r.environment.packages["polars"] for r in state.other_runs] == ["1.41.0"]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ('{"pages": {\n  "x": [}\n', 2, "the verification record is not valid JSON"),
        ('{"pages": {"x": [{"page_hash": 3}]}}', 0, "the verification record is malformed at"),
    ],
)
def test_a_broken_record_is_one_warning_not_a_crash(
    tmp_path: Path, content: str, line: int, message: str
) -> None:
    write(tmp_path, "h.yaml", page(HOLDS, checks=[{"name": "c", "claim": "x", "code": "pass"}]))
    (tmp_path / RECORD_FILE).write_text(content)

    (problem,) = verification_problems(load_knowledge(tmp_path))

    assert (problem.file, problem.line, problem.code) == (
        RECORD_FILE,
        line,
        "bad-verification-record",
    )
    assert message in problem.message


# --- the hash across a change of the page model ----------------------------------------


def test_the_shipped_record_is_current_for_every_page_it_holds() -> None:
    # The fields code in other languages added (a check's language and tools, a
    # reference's language, symbol and revision) must not make every recorded
    # page look edited: each page has a run recorded at its current hash.
    result = load_knowledge(REPO / "knowledge")
    record = json.loads((REPO / "knowledge" / "verification.json").read_text("utf-8"))
    stale = [
        page_id
        for page_id, runs in record["pages"].items()
        if page_id in result.pages
        and page_hash(result.pages[page_id]) not in {run["page_hash"] for run in runs}
    ]
    assert record["pages"] and stale == []


def test_using_a_later_field_changes_the_hash() -> None:
    data = page("heuristic/h", checks=[check("c", "print(1)")])
    before = page_hash(PAGE_ADAPTER.validate_python(data))
    data["checks"][0]["language"] = "bash"
    assert page_hash(PAGE_ADAPTER.validate_python(data)) != before
    data["checks"][0] |= {"language": "python", "tools": ["sqlite3"]}
    assert page_hash(PAGE_ADAPTER.validate_python(data)) != before
