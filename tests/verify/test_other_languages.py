"""Code in any language: a Code Reference outside Python is checked in a local
checkout (a real git repository here), and a check may be a shell script that
names the tools it runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from heuristica.checks.local_code import (
    REPOSITORIES_ENV,
    Repositories,
    RepositoriesError,
    judge_reference,
    read_repositories,
)
from heuristica.checks.parsed import GRAMMARS, parsed_lines
from heuristica.checks.run import Status
from heuristica.checks.symbols import definitions
from heuristica.checks.verify import verify
from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import CodeReference
from tests.demos.conftest import alive_in_session, still_running
from tests.kb import page, write
from tests.verify.test_verify import check, run_checks

REPO = "https://github.com/acme/shop"
SCHEMA = """\
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER);

create unique index if not exists main.idx_orders_customer
  on orders(customer_id);
"""


def reference(**fields: Any) -> CodeReference:
    data = {"language": "sql", "repository": REPO, "file": "db/schema.sql", **fields}
    return CodeReference.model_validate(data)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A real git repository: the schema without the index (tag v1), then with it."""
    folder = tmp_path / "shop"
    (folder / "db").mkdir(parents=True)
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "t@example.org")
    git(folder, "config", "user.name", "T")
    (folder / "db" / "schema.sql").write_text(SCHEMA.split("\n\n")[0] + "\n")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "orders")
    git(folder, "tag", "v1")
    (folder / "db" / "schema.sql").write_text(SCHEMA)
    git(folder, "commit", "-qam", "index")
    return folder


def local(checkout: Path) -> Repositories:
    return Repositories({REPO: checkout})


# --- the model -----------------------------------------------------------------------


def test_a_python_reference_still_needs_import_and_signature() -> None:
    with pytest.raises(ValueError, match="a Python Code Reference needs 'signature' and 'import'"):
        CodeReference.model_validate({"repository": REPO, "file": "a.py"})


def test_another_language_names_a_symbol_not_an_import() -> None:
    with pytest.raises(ValueError, match="a sql Code Reference names the 'symbol'"):
        reference()
    with pytest.raises(ValueError, match="'import' and 'python' are for Python"):
        reference(symbol="idx", **{"import": "import x"})


def test_lines_must_be_a_range_in_order() -> None:
    with pytest.raises(ValueError, match="'lines' is a line or a range"):
        reference(symbol="idx", lines="9-3")


def test_a_page_with_an_sql_reference_loads_without_warnings(tmp_path: Path) -> None:
    data = page("implementation/orders-index")
    data["code_reference"] = {"language": "sql", "repository": REPO, "file": "s.sql", "symbol": "x"}
    write(tmp_path, "i.yaml", data)
    result = load_knowledge(tmp_path)
    assert result.problems == []


# --- finding a definition: a parser where a grammar reads the language, else a rule --


def lines(text: str, symbol: str, language: str) -> list[int]:
    return definitions(text, symbol, language).lines


def test_sql_rule_finds_a_create_in_any_case_and_across_lines() -> None:
    assert lines(SCHEMA, "idx_orders_customer", "sql") == [3]
    assert lines(SCHEMA, "orders", "sqlite") == [1]
    assert lines(SCHEMA, "customer_id", "sql") == []
    assert definitions(SCHEMA, "orders", "sql").how.startswith("rule for sql: CREATE ")


C_SOURCE = """\
void sqlite3CreateIndex(Parse*,Token*);
/* sqlite3Analyze(pParse) is called below; "sqlite3Vacuum(" is only text */
void sqlite3CreateIndex(
  Parse *pParse
){
  sqlite3Analyze(pParse, 0, 0);
}
static Index *
sqlite3AllocateIndexObject(int nCol){
  return 0;
}
#define SQLITE_MAX 10
typedef struct Index Index;
struct Index { int nColumn; };
"""


def test_c_is_parsed_definitions_not_prototypes_calls_comments_or_strings() -> None:
    assert lines(C_SOURCE, "sqlite3CreateIndex", "c") == [3]
    assert lines(C_SOURCE, "sqlite3AllocateIndexObject", "c") == [9]
    assert lines(C_SOURCE, "SQLITE_MAX", "c") == [12]
    assert lines(C_SOURCE, "Index", "h") == [13, 14]
    assert lines(C_SOURCE, "sqlite3Analyze", "c") == []
    assert lines(C_SOURCE, "sqlite3Vacuum", "c") == []
    how = definitions(C_SOURCE, "SQLITE_MAX", "c").how
    assert how == f"parsed by tree-sitter with tree-sitter-c {metadata.version('tree-sitter-c')}"


@pytest.mark.parametrize(
    ("language", "text", "symbol", "line"),
    [
        (
            "go",
            "package x\n\n// Total is not here\nfunc (s *Shop) Total(a int) int { return a }",
            "Total",
            4,
        ),
        ("typescript", "// total()\nexport class Cart {\n  async total(x) {\n  }\n}", "total", 3),
        ("ts", "export interface Cart {}\nexport type Total = number;", "Total", 2),
        ("javascript", "const x = total(1);\nfunction total(a) { return a; }", "total", 2),
        ("rust", "// fn total\npub fn total(cart: &Cart) -> u64 {\n    0\n}", "total", 2),
        ("java", "class Cart {\n  // total()\n  long total() { return 0; }\n}", "total", 3),
        ("cpp", "namespace shop {\nint Cart::total() { return 0; }\n}", "Cart::total", 2),
        ("bash", "#!/bin/sh\n# deploy() is below\ndeploy() {\n  :\n}", "deploy", 3),
        ("sh", "echo deploy\nfunction deploy {\n  :\n}", "deploy", 2),
        ("kotlin", "class Cart {\n  fun total(): Long = 0\n}", "total", 2),
        ("ruby", "class Cart\n  # def total\n  def total\n  end\nend", "total", 3),
        ("rb", "total = 1\ndef self.total\nend", "total", 2),
        (
            "csharp",
            "class Cart {\n  // Total()\n  public long Total() { return 0; }\n}",
            "Total",
            3,
        ),
        ("c#", "var t = Total();\nrecord Total(int N);", "Total", 2),
        ("scala", "object Shop {\n  // def total\n  def total(x: Int): Int = x\n}", "total", 3),
        ("cobol", "PROCEDURE DIVISION.\n  PERFORM TOTAL.", "TOTAL", 2),
    ],
)
def test_each_language_finds_its_definition_only(
    language: str, text: str, symbol: str, line: int
) -> None:
    assert lines(text, symbol, language) == [line]


def test_every_grammars_query_compiles_and_names_what_it_captures() -> None:
    for language, grammar in GRAMMARS.items():
        assert parsed_lines(grammar, "", "x") == [], language


def test_a_language_with_neither_grammar_nor_rule_says_it_used_the_whole_word() -> None:
    assert definitions("PERFORM TOTAL.", "TOTAL", "cobol").how == (
        "no rule for cobol, so the symbol as a whole word anywhere in the file"
    )


# --- the check, with and without a local checkout -------------------------------------


def test_without_a_local_checkout_the_check_is_not_applicable() -> None:
    verdict = judge_reference(reference(symbol="idx_orders_customer"), Repositories())
    assert verdict.status is Status.NOT_APPLICABLE
    assert (
        verdict.reason
        == f"no local checkout of {REPO} on this machine (name one in {'repositories.toml'})"
    )


def test_the_file_defines_the_symbol_in_the_checkout(checkout: Path) -> None:
    verdict = judge_reference(reference(symbol="idx_orders_customer", lines="3-4"), local(checkout))
    assert verdict.status is Status.HOLDS
    assert verdict.seen == "db/schema.sql defines idx_orders_customer at line 3"


def test_a_symbol_the_file_does_not_define_fails_naming_the_rule(checkout: Path) -> None:
    verdict = judge_reference(reference(symbol="idx_orders_total"), local(checkout))
    assert verdict.status is Status.FAILS
    assert verdict.reason.startswith("db/schema.sql does not define idx_orders_total (rule for sql")


def test_a_definition_outside_the_stated_lines_fails(checkout: Path) -> None:
    verdict = judge_reference(reference(symbol="idx_orders_customer", lines="1"), local(checkout))
    assert (verdict.status, verdict.reason) == (Status.FAILS, "not within lines 1")


def test_at_a_revision_the_file_is_read_as_it_was_then(checkout: Path) -> None:
    then = judge_reference(reference(symbol="idx_orders_customer", revision="v1"), local(checkout))
    now = judge_reference(reference(symbol="idx_orders_customer", revision="HEAD"), local(checkout))
    assert then.status is Status.FAILS and "at v1 does not define" in then.reason
    assert now.status is Status.HOLDS


def test_an_unknown_revision_or_file_is_said(checkout: Path) -> None:
    unknown = judge_reference(reference(symbol="x", revision="v9"), local(checkout))
    assert unknown.status is Status.ERROR and "has no revision v9" in unknown.reason
    missing = judge_reference(reference(symbol="x", file="db/gone.sql"), local(checkout))
    assert (missing.status, missing.reason) == (
        Status.FAILS,
        f"db/gone.sql does not exist in {checkout}",
    )


def test_a_file_outside_the_checkout_is_not_read(checkout: Path) -> None:
    (checkout.parent / "secret.sql").write_text("CREATE TABLE secret(x);\n")
    verdict = judge_reference(reference(symbol="secret", file="../secret.sql"), local(checkout))
    assert (verdict.status, verdict.reason) == (
        Status.FAILS,
        "../secret.sql is outside the checkout",
    )


def test_verify_reads_repositories_toml_beside_the_pages(tmp_path: Path, checkout: Path) -> None:
    kb = tmp_path / "kb"
    data = page("implementation/orders-index")
    data["code_reference"] = {
        "language": "sql",
        "repository": f"{REPO}.git",
        "file": "db/schema.sql",
        "symbol": "idx_orders_customer",
    }
    write(kb, "i.yaml", data)
    (kb / "repositories.toml").write_text(f'[repositories]\n"{REPO}" = "../shop"\n')
    result = load_knowledge(kb)
    (checked,) = verify(result.pages.values(), repositories=read_repositories(kb)).results
    assert (checked.name, checked.status) == ("code-reference", Status.HOLDS)


def test_a_machine_names_its_own_checkouts(
    tmp_path: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(f'[repositories]\n"{REPO}/" = "{checkout}"\n')
    monkeypatch.setenv(REPOSITORIES_ENV, str(mine))
    assert read_repositories(tmp_path / "nowhere").checkout(REPO) == checkout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[repositories\n", "is not TOML"),
        ('[repos]\n"a" = "b"\n', "holds one table, [repositories]"),
        ('[repositories]\n"a" = 3\n', "[repositories] 'a' must be a folder, as text; got 3"),
    ],
)
def test_a_bad_repositories_file_is_a_usage_error_naming_it(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "h.yaml", page("heuristic/h"))
    (tmp_path / "repositories.toml").write_text(text)
    with pytest.raises(RepositoriesError, match=re.escape(message)):
        read_repositories(tmp_path)
    assert main(["verify", str(tmp_path)]) == 2
    assert f"{tmp_path / 'repositories.toml'}: " in capsys.readouterr().err


# --- shell checks -------------------------------------------------------------------


def shell(name: str, code: str, **fields: Any) -> dict[str, Any]:
    return check(name, code, language="bash", **fields)


def test_a_shell_check_that_holds_and_one_that_fails(tmp_path: Path) -> None:
    holds, fails = run_checks(
        tmp_path,
        shell("holds", 'echo "$((6 * 7))"\n', expect={"output": "42"}),
        shell("fails", "echo 41; exit 3\n", expect={"output": "42"}),
    )
    assert holds.status is Status.HOLDS
    assert (fails.status, fails.reason) == (
        Status.FAILS,
        "exit status 3, not 0; never printed '42'",
    )


def test_a_shell_check_finds_the_interpreter_under_test_as_python3(tmp_path: Path) -> None:
    (result,) = run_checks(
        tmp_path,
        shell(
            "python",
            'python3 -c "import os, sys; print(os.path.realpath(sys.executable))"\n',
            expect={"output": os.path.realpath(sys.executable)},
        ),
    )
    assert result.status is Status.HOLDS, result


def test_a_hanging_shell_check_is_killed_with_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    code = f"sleep 300 &\necho $$ $! > {pids}\nwait\n"
    (result,) = run_checks(tmp_path / "kb", shell("hangs", code, expect={"hangs": 1.0}))
    assert result.status is Status.HOLDS
    shell_pid, sleeper = (int(pid) for pid in pids.read_text().split())
    assert still_running({shell_pid, sleeper}) == []
    assert alive_in_session(shell_pid) == []


def test_a_check_whose_tool_is_missing_is_skipped_naming_it(tmp_path: Path) -> None:
    (result,) = run_checks(
        tmp_path,
        shell("duck", "duckdb -c 'select 1'\n", tools=["duckdb-not-here", "sh"]),
    )
    assert (result.status, result.reason) == (
        Status.SKIPPED,
        "needs duckdb-not-here: not found on PATH",
    )


def test_a_tool_name_that_is_not_a_command_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path, "h.yaml", page("heuristic/h", checks=[shell("x", "true\n", tools=["rm -rf /"])])
    )
    (problem,) = load_knowledge(tmp_path).problems
    assert problem.message == (
        "'checks[1].tools[1]': must be a command as named on PATH, e.g. sqlite3 or node; "
        "got 'rm -rf /'"
    )
