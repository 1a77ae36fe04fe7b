"""The content rules (heuristica/kb/content_rules.py) as a page author meets them: a
warning from the loader, and from `heuristica check`, at the file and line
to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from heuristica.kb.parsecache import ParseCache
from heuristica.kb.problems import Problem
from tests.kb import page, write


def _check(name: str, code: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "claim": "What the page says.", "code": code, **fields}


def _rule_warnings(root: Path, code: str) -> list[Problem]:
    return [p for p in load_knowledge(root).problems if p.code == code]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_check_naming_a_package_it_never_imports_is_flagged_at_that_package(
    tmp_path: Path,
) -> None:
    checks = [
        _check(
            "uses-os-only",
            "import os\nassert os.getpid() > 0\n",
            packages=["psutil", "numpy>=2"],
        )
    ]
    path = write(tmp_path, "p.yaml", page("principle/a", checks=checks))

    found = _rule_warnings(tmp_path, "check-package-unused")

    assert [(p.file, p.line) for p in found] == [
        ("p.yaml", _line_of(path, "- psutil")),
        ("p.yaml", _line_of(path, "- numpy>=2")),
    ]
    assert "check 'uses-os-only' names package 'numpy' but its code never imports it" in (
        found[1].message
    )


_RUN = "import subprocess, sys\nsubprocess.run([sys.executable, {}])\nassert 1\n"


@pytest.mark.parametrize(
    ("packages", "code"),
    [
        (["numpy"], "import numpy.linalg\nassert numpy.linalg\n"),
        (["grpcio"], "from grpc import insecure_channel\nassert insecure_channel\n"),
        (["gunicorn"], _RUN.format("'-m', 'gunicorn'")),
        (["polars"], "import multiprocessing as m\nm.set_forkserver_preload(['polars'])\n"),
        (["polars"], _RUN.format("'-c', 'import polars'")),
        (["pyyaml"], "import yaml\nassert yaml\n"),
        (["polars", "psutil"], "from heuristica.demos import spawn_vs_fork\nassert 1\n"),
    ],
    ids=["submodule", "module-name-differs", "dash-m", "named-in-a-string", "source-in-a-string",
         "known-import-name", "project-demo-engine"],
)  # fmt: skip
def test_a_package_used_in_any_of_these_ways_is_not_flagged(
    tmp_path: Path, packages: list[str], code: str
) -> None:
    write(tmp_path, "p.yaml", page("principle/a", checks=[_check("ok", code, packages=packages)]))

    assert _rule_warnings(tmp_path, "check-package-unused") == []


def test_a_check_that_prints_its_expected_line_unconditionally_cannot_fail(tmp_path: Path) -> None:
    constant = _check(
        "always-prints",
        "import os\nos.fork\nprint('fork is safe')\n",
        expect={"output": "fork is safe"},
    )
    computed = _check(
        "prints-what-it-saw",
        "import os\nprint(f'has fork: {hasattr(os, \"fork\")}')\n",
        expect={"output": "has fork: True"},
    )
    exit_only = _check("exits-zero", "import os\nos.getpid()\n")
    asserts = _check("asserts", "import os\nassert hasattr(os, 'fork')\n")
    path = write(
        tmp_path, "p.yaml", page("principle/a", checks=[constant, computed, exit_only, asserts])
    )

    found = _rule_warnings(tmp_path, "check-cannot-fail")

    assert [p.line for p in found] == [
        _line_of(path, "name: always-prints"),
        _line_of(path, "name: exits-zero"),
    ]
    assert "it prints 'fork is safe' unconditionally" in found[0].message
    assert "it expects only exit status 0 and has no assert, raise or exit" in found[1].message


def _pr_source(title: str) -> dict[str, str]:
    return {
        "title": title,
        "url": "https://github.com/pola-rs/polars/pull/27767",
        "kind": "pull_request",
    }


def test_two_pages_naming_different_first_releases_for_one_pull_request_disagree(
    tmp_path: Path,
) -> None:
    one = write(
        tmp_path,
        "one.yaml",
        page("principle/one", sources=[_pr_source("polars#27767: pool size (first in 1.41.2)")]),
    )
    two = write(
        tmp_path,
        "two.yaml",
        page(
            "heuristic/two",
            description="The pool reads it at import (polars#27767, first in 1.42.0).",
        ),
    )

    found = _rule_warnings(tmp_path, "release-disagreement")

    assert [(p.file, p.line) for p in found] == [
        ("one.yaml", _line_of(one, "polars#27767")),
        ("two.yaml", _line_of(two, "description:")),
    ]
    assert found[0].message == (
        "polars#27767 is said here to be first in 1.41.2, but first in 1.42.0 on page "
        "'heuristic/two' (two.yaml); check the release tags and make the pages agree"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("gh-126631: fixed in 3.13.8 and 3.14.1", "gh-126631 (works from 3.14.1)"),
        ("polars#26524: reload_env_vars (first in 1.39)", "polars#26524 (first in 1.39.0)"),
        ("polars#27767: pool size (first in 1.41.2)", "polars#27999 (first in 1.42.0)"),
    ],
    ids=["backport-listed-on-one-page-only", "1.39-is-1.39.0", "another-pull-request"],
)
def test_claims_that_do_not_contradict_each_other_are_not_flagged(
    tmp_path: Path, first: str, second: str
) -> None:
    write(tmp_path, "one.yaml", page("principle/one", overview=f"See {first}."))
    write(tmp_path, "two.yaml", page("principle/two", overview=f"See {second}."))

    assert _rule_warnings(tmp_path, "release-disagreement") == []


def test_check_strict_fails_on_a_rule_warning_and_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = [_check("uses-os-only", "import os\nassert os.getpid()\n", packages=["numpy"])]
    path = write(tmp_path, "p.yaml", page("principle/a", checks=checks))

    assert main(["check", str(tmp_path), "--strict"]) == 1

    out = capsys.readouterr().out
    assert f"{tmp_path}/p.yaml:{_line_of(path, '- numpy')}:" in out
    assert "names package 'numpy' but its code never imports it" in out


def test_the_rules_find_the_same_from_the_parse_cache(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    write(root, "one.yaml", page("principle/one", overview="See polars#27767 (first in 1.41.2)."))
    checks = [_check("uses-os-only", "import os\nassert os.getpid()\n", packages=["numpy"])]
    two = page("principle/two", overview="polars#27767 (first in 1.42.0)", checks=checks)
    write(root, "two.yaml", two)
    cache = ParseCache()
    fresh = load_knowledge(root, cache=cache)
    cache.save(tmp_path / "cache.json")

    reloaded = ParseCache.load(tmp_path / "cache.json")
    again = load_knowledge(root, cache=reloaded)

    assert reloaded.parsed == 0  # every file came from the saved cache
    codes = sorted(p.code for p in again.problems if p.code != "orphan-page")
    assert codes == ["check-package-unused", "release-disagreement", "release-disagreement"]
    assert again.problems == fresh.problems
