"""The Code Reference check: an implementation page's ``import`` and
``signature`` against ``inspect.signature`` of the installed object."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heuristica.checks.record import verification_problems
from heuristica.checks.run import CheckResult, Status
from heuristica.checks.verify import verify
from heuristica.kb.loader import load_knowledge
from heuristica.kb.problems import Severity
from heuristica.kb.signature import (
    Parameter,
    differences,
    parse_import,
    parse_signature,
    render,
)
from tests.kb import SECTIONS, dump, page, write

IMPL = "implementation/under-test"


def implementation(signature: str, imports: str) -> dict[str, Any]:
    reference = {**SECTIONS["implementation"]["code_reference"]}
    reference.update(signature=signature, **{"import": imports})
    return page(IMPL, code_reference=reference)


def code_reference(tmp_path: Path, signature: str, imports: str) -> CheckResult:
    write(tmp_path, "i.yaml", implementation(signature, imports))
    result = load_knowledge(tmp_path)
    assert result.problems == []
    (checked,) = verify(result.pages.values()).results
    assert checked.name == "code-reference"
    return checked


@pytest.mark.parametrize(
    ("signature", "imports"),
    [
        ("def get_context(self, method=None)  # as on DefaultContext", "import multiprocessing"),
        ("mp.get_context(method = None)", "import multiprocessing as mp"),
        (
            "class ProcessPoolExecutor(max_workers: int | None = None, mp_context=None, "
            "initializer=None, initargs=(), *, max_tasks_per_child=None)",
            "from concurrent.futures import ProcessPoolExecutor",
        ),
        ("def thread_pool_size() -> int", "import polars as pl"),
        ("os.path.join(a, *p)", "import os"),
    ],
)
def test_a_matching_code_reference_holds(tmp_path: Path, signature: str, imports: str) -> None:
    checked = code_reference(tmp_path, signature, imports)
    assert checked.status is Status.HOLDS, checked


def test_signature_drift_fails_saying_what_the_page_and_the_installed_version_have(
    tmp_path: Path,
) -> None:
    checked = code_reference(
        tmp_path, "def set_start_method(method, *, force=True)", "import multiprocessing as mp"
    )
    assert checked.status is Status.FAILS
    assert checked.reason == (
        "'force' is keyword-only on the page, positional-or-keyword installed; "
        "'force' defaults to True on the page, to False installed"
    )
    assert checked.expected == (
        "import multiprocessing as mp\nset_start_method(method, *, force=True)"
    )
    assert checked.seen == (
        "multiprocessing.context.DefaultContext.set_start_method(method, force=False)"
    )


def test_a_built_in_whose_defaults_inspect_refuses_is_read_from_its_text_signature(
    tmp_path: Path,
) -> None:
    """``inspect.signature(os.register_at_fork)`` raises (its defaults are
    ``<unrepresentable>``); its ``__text_signature__`` still says its parameters."""
    imports = "from os import register_at_fork"
    right = "def register_at_fork(*, before=..., after_in_child=..., after_in_parent=...)"
    assert code_reference(tmp_path, right, imports).status is Status.HOLDS

    wrong = code_reference(tmp_path, right.replace("after_in_parent", "in_parent"), imports)

    assert wrong.status is Status.FAILS
    assert "after_in_parent" in wrong.seen


def test_a_renamed_parameter_is_one_difference(tmp_path: Path) -> None:
    checked = code_reference(
        tmp_path, "def set_forkserver_preload(modules_names)", "import multiprocessing as mp"
    )
    assert checked.status is Status.FAILS
    assert checked.reason == "'modules_names' on the page is 'module_names' installed"


def test_a_name_the_installed_version_lacks_fails(tmp_path: Path) -> None:
    checked = code_reference(tmp_path, "def get_kontext(method=None)", "import multiprocessing")
    assert checked.status is Status.FAILS
    assert checked.reason == "the installed version has no 'get_kontext'"


def test_an_import_of_a_name_that_is_not_there_fails(tmp_path: Path) -> None:
    checked = code_reference(
        tmp_path, "def get_kontext(method=None)", "from multiprocessing import get_kontext"
    )
    assert checked.status is Status.FAILS
    assert checked.reason == "the page's import fails"
    assert "cannot import name 'get_kontext'" in checked.seen


def test_a_module_that_is_not_installed_is_skipped_with_the_reason(tmp_path: Path) -> None:
    checked = code_reference(
        tmp_path, "def nothing()", "from heuristica_not_installed import nothing"
    )
    assert checked.status is Status.SKIPPED
    assert checked.reason.startswith("heuristica_not_installed not installed under ")


def test_a_module_that_crashes_on_import_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "lib", "crashes_on_import.py", "raise RuntimeError('no config')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "lib"))
    checked = code_reference(tmp_path / "kb", "def f()", "import crashes_on_import")
    assert checked.status is Status.ERROR
    assert checked.reason == "importing it failed: RuntimeError: no config"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("import", "import os; os.system('x')", "must hold only absolute import statements"),
        ("import", "from . import x", "must hold only absolute import statements"),
        ("import", "from os import *", "not 'import *'"),
        ("signature", "get_context", "must be one callable as Python declares or calls it"),
        ("signature", "def f(a, b", "never closes its parameter list"),
        ("signature", "def f(a=, b)", "has parameters Python cannot parse"),
    ],
)
def test_a_code_reference_that_cannot_be_checked_is_a_warning_at_its_line_and_fails(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    data = implementation("def f()", "import os")
    data["code_reference"][field] = value
    text = dump(data)
    write(tmp_path, "i.yaml", text)
    result = load_knowledge(tmp_path)

    (problem,) = verification_problems(result)
    (checked,) = verify(result.pages.values()).results

    assert result.errors == []
    assert (problem.severity, problem.code) == (Severity.WARNING, "unverifiable")
    assert f"'code_reference.{field}' cannot be checked: " in problem.message
    assert message in problem.message
    assert text.splitlines()[problem.line - 1].strip().startswith(f"{field}:")
    assert checked.status is Status.FAILS
    assert checked.reason.startswith(f"'code_reference.{field}' ")
    assert message in checked.reason


def test_parsing_normalises_spacing_annotations_and_self() -> None:
    ours = parse_signature("def  f( self , a : int=1 ,/, b = 'x)' , * args, c, ** kw ) -> None")
    assert ours.name == "f"
    assert render(ours.parameters) == "(a=1, /, b='x)', *args, c, **kw)"
    assert parse_signature("async def pkg . mod . g(x)  # comment (ignored").name == "pkg.mod.g"


def test_parse_import_binds_what_python_binds() -> None:
    bindings = parse_import("import a.b\nimport c.d as e\nfrom f import g as h, i")
    assert [(b.bound, b.module, b.attribute) for b in bindings] == [
        ("a", "a.b", None),
        ("e", "c.d", None),
        ("h", "f", "g"),
        ("i", "f", "i"),
    ]


def test_a_default_shown_only_as_an_object_matches_any_default() -> None:
    page_side = (Parameter("sentinel", "KEYWORD_ONLY", "_MISSING"),)
    installed = (Parameter("sentinel", "KEYWORD_ONLY", "…"),)
    assert differences(page_side, installed) == []


def test_reordered_parameters_are_reported() -> None:
    ours = parse_signature("f(b, a)").parameters
    theirs = parse_signature("f(a, b)").parameters
    assert differences(ours, theirs) == ["the parameters come in another order"]
