"""``verify --matrix`` end to end on two tiny cells (real environments built by
uv, offline, from wheels made here): every cell run and recorded, the
environments reused the second time, a cell that cannot be built, the
GitHub Actions matrix, one cell per job merged back, and the warnings."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from heuristica.checks.record import RECORD_FILE, read_record
from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from tests.kb import page, write
from tests.verify.conftest import FAKE_DISTRIBUTION
from tests.verify.matrix_kb import CELLS, CHECKS, MATRIX, PYTHON, H, matrix_base, offline_uv

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    offline_uv(monkeypatch, tmp_path)
    return matrix_base(tmp_path / "kb")


def verify_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["verify", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def statuses(cell: dict) -> dict[str, str]:
    return {check["name"]: check["status"] for check in cell["checks"]}


def test_every_check_runs_in_every_cell_each_version_in_its_own_environment(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify_json(capsys, str(base), "--matrix", "--record")

    assert code == 1  # always-second fails where the version is 1.0, inside its range
    old, new = report["cells"]
    assert [old["name"], new["name"]] == CELLS
    assert statuses(old) == {
        "first-generation": "holds",
        "second-generation": "not_applicable",
        "always-second": "fails",
    }
    assert statuses(new) == {
        "first-generation": "not_applicable",
        "second-generation": "holds",
        "always-second": "holds",
    }
    assert old["installed"] == [f"{FAKE_DISTRIBUTION}==1.0"]
    assert old["environment"]["packages"] == {FAKE_DISTRIBUTION: "1.0"}
    assert old["environment"]["python"] == PYTHON
    assert old["environment"]["executable"] != new["environment"]["executable"]
    assert report["summary"] | {"seconds": 0} == {
        "cells": 2,
        "built": 2,
        "passed": False,
        "never_run": [],
        "holds": 3,
        "fails": 1,
        "error": 0,
        "skipped": 0,
        "not_applicable": 2,
        "seconds": 0,
    }
    record = read_record(base / RECORD_FILE)
    assert list(record.cells) == CELLS
    assert [run.cell for run in record.pages["heuristic/generations"]] == CELLS


def test_the_second_run_reuses_the_environments_and_a_broken_one_is_built_again(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, first = verify_json(capsys, str(base), "--matrix")
    broken = Path(first["cells"][0]["environment"]["executable"])
    broken.unlink()  # its interpreter link gone: no longer sound

    _, second = verify_json(capsys, str(base), "--matrix")

    assert [cell["reused"] for cell in first["cells"]] == [False, False]
    assert [cell["reused"] for cell in second["cells"]] == [False, True]
    assert statuses(second["cells"][0])["first-generation"] == "holds"


def test_a_cell_that_cannot_be_built_says_why_and_the_others_run(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (base / "matrix.toml").write_text(MATRIX.replace('"2.0"]', '"2.0", "9.9"]'))

    code, report = verify_json(capsys, str(base), "--matrix", "--record")

    assert code == 1
    missing = report["cells"][2]
    assert missing["built"] is False
    assert missing["checks"] == []
    assert "uv could not install" in missing["reason"]
    assert f"{FAKE_DISTRIBUTION}==9.9" in missing["reason"]  # uv's own words name it
    assert [cell["built"] for cell in report["cells"][:2]] == [True, True]
    recorded = read_record(base / RECORD_FILE).cells[missing["name"]]
    assert recorded.environment is None and "uv could not install" in recorded.reason


def test_the_text_report_shows_what_fails_per_cell_and_a_table_of_cells(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(base), "--matrix"]) == 1
    out = capsys.readouterr().out

    assert f"== {CELLS[0]}: CPython {PYTHON} ({FAKE_DISTRIBUTION}==1.0; environment built" in out
    assert "FAILS    heuristic/generations  always-second" in out
    assert f"{CELLS[1]}      2      0      0        0    1" in out
    assert "2 cells (2 built): 3 hold, 1 fail, 0 errors, 0 skipped, 2 not applicable" in out


def test_a_check_that_ran_in_no_cell_is_named_and_so_is_the_package_it_lacks(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lacking = {**copy.deepcopy(CHECKS[0]), "name": "needs-another"}
    lacking["packages"] = ["not-in-the-matrix"]
    write(base, "h.yaml", page(H, checks=[*CHECKS, lacking]))

    code = main(["verify", str(base), "--matrix", "--format", "json"])

    said = capsys.readouterr()
    assert json.loads(said.out)["summary"]["never_run"] == [{"page": H, "check": "needs-another"}]
    assert "checks name not-in-the-matrix, which" in said.err
    assert main(["verify", str(base), "--matrix"]) == code
    out = capsys.readouterr().out
    assert (
        f"1 checks ran in no cell (skipped or not applicable in all):\n  {H}  needs-another" in out
    )


def test_the_matrix_prints_as_a_github_actions_matrix_one_job_per_cell(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(base), "--print-github-matrix"]) == 0

    assert json.loads(capsys.readouterr().out) == {
        "include": [
            {"cell": CELLS[0], "python": PYTHON, FAKE_DISTRIBUTION: "1.0"},
            {"cell": CELLS[1], "python": PYTHON, FAKE_DISTRIBUTION: "2.0"},
        ]
    }


def test_cells_run_in_separate_jobs_merge_into_one_record(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = []
    for name in CELLS:  # as CI's jobs do: a fresh checkout each, one cell each
        job = tmp_path / f"job-{name}"
        job.mkdir()
        matrix_base(job)
        assert main(["verify", str(job), "--cell", name, "--record"]) in (0, 1)
        jobs.append(str(job / RECORD_FILE))

    assert main(["verify", str(base), "--merge", *jobs]) == 0

    record = read_record(base / RECORD_FILE)
    assert list(record.cells) == CELLS
    runs = record.pages["heuristic/generations"]
    assert [run.cell for run in runs] == CELLS
    assert runs[1].checks["second-generation"].status == "holds"
    assert "merged 2 records (2 cells)" in capsys.readouterr().err


def test_a_check_failing_inside_its_range_warns_and_outside_it_never(
    base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["verify", str(base), "--matrix", "--record"])
    capsys.readouterr()

    for format_ in ("text", "github", "sarif", "junit"):
        main(["check", str(base), "--format", format_])
        out = capsys.readouterr().out
        assert "always-second" in out, format_
        failing = [line for line in out.splitlines() if "declared range" in line]
        assert failing and all("always-second" in line for line in failing), format_
    problems = load_knowledge(base).problems
    assert not [p for p in problems if "declared range" in p.message]  # it knows no record
    main(["check", str(base)])
    (warning,) = [line for line in capsys.readouterr().out.splitlines() if "declared range" in line]
    assert f"on CPython {PYTHON} · {FAKE_DISTRIBUTION} 1.0" in warning
    assert f"cell {CELLS[0]}" in warning


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cell", "py3.11-nope"], "--cell py3.11-nope: no such cell in"),
        (["--matrix", "--python", "python3"], "--python runs one interpreter"),
        (["--merge", "nowhere.json"], "--merge nowhere.json: no such file"),
        (["--merge", "x.json", "--record"], "--merge only merges records"),
    ],
)
def test_matrix_options_used_wrongly_are_bad_usage(
    base: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["verify", str(base), *argv]) == 2
    assert message in capsys.readouterr().err
