"""The Code Reference check for code in a language other than Python: the
reference's ``file`` defines its ``symbol`` in a local checkout of its
``repository``, at its ``revision`` when it names one.

Which checkouts this machine has is told in ``repositories.toml`` beside the
pages (paths relative to that file), and, for a machine's own paths, in a
file of the same form named by ``$HEURISTICA_REPOSITORIES``, whose entries
win::

    [repositories]
    "https://github.com/sqlite/sqlite" = "../../sqlite"

A repository with no checkout here makes the check not applicable, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from heuristica.checks.run import Status, Verdict
from heuristica.checks.symbols import definitions
from heuristica.kb.model import CodeReference

__all__ = [
    "REPOSITORIES_ENV",
    "REPOSITORIES_FILE",
    "Repositories",
    "RepositoriesError",
    "judge_reference",
    "read_repositories",
]

REPOSITORIES_FILE = "repositories.toml"
REPOSITORIES_ENV = "HEURISTICA_REPOSITORIES"
GIT_SECONDS = 30.0


class RepositoriesError(ValueError):
    """A repositories file that cannot be read: says which file and why."""


@dataclass(frozen=True)
class Repositories:
    """Local checkouts by repository address."""

    paths: dict[str, Path] = field(default_factory=dict)
    told_in: str = REPOSITORIES_FILE
    """Where a reader adds one (named in a 'not applicable' reason)."""

    def checkout(self, repository: str) -> Path | None:
        return self.paths.get(_address(repository))


def _address(url: str) -> str:
    """A repository address as compared: no trailing '/' or '.git', any letter case."""
    url = url.strip().rstrip("/")
    return url.removesuffix(".git").lower()


def read_repositories(knowledge: Path) -> Repositories:
    """The checkouts ``knowledge/repositories.toml`` and ``$HEURISTICA_REPOSITORIES`` name."""
    paths: dict[str, Path] = {}
    own = knowledge / REPOSITORIES_FILE
    if own.is_file():
        paths |= _read(own)
    machine = os.environ.get(REPOSITORIES_ENV, "").strip()
    if machine:
        paths |= _read(Path(machine).expanduser(), f"${REPOSITORIES_ENV} names ")
    return Repositories(paths, str(own))


def _read(file: Path, said: str = "") -> dict[str, Path]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise RepositoriesError(f"{said}{file}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise RepositoriesError(f"{said}{file}: is not TOML: {error}") from None
    table = data.get("repositories")
    unknown = sorted(set(data) - {"repositories"})
    if not isinstance(table, dict) or unknown:
        raise RepositoriesError(
            f"{file}: holds one table, [repositories], mapping each repository address "
            'to its local folder, e.g. "https://github.com/acme/shop" = "../shop"'
            + (f"; found {', '.join(unknown)}" if unknown else "")
        )
    found: dict[str, Path] = {}
    for address, folder in table.items():
        if not isinstance(folder, str) or not folder.strip():
            raise RepositoriesError(
                f"{file}: [repositories] {address!r} must be a folder, as text; got {folder!r}"
            )
        found[_address(address)] = (file.parent / Path(folder).expanduser()).resolve()
    return found


@dataclass(frozen=True)
class _Source:
    text: str = ""
    verdict: Verdict | None = None
    """Set when the file could not be read (then ``text`` is empty)."""


def judge_reference(reference: CodeReference, repositories: Repositories) -> Verdict:
    """Whether ``reference.file`` defines ``reference.symbol`` (within its lines)."""
    expected = f"{reference.file} defines {reference.symbol}" + (
        f" within lines {reference.lines}" if reference.lines else ""
    )
    checkout = repositories.checkout(reference.repository)
    if checkout is None:
        return Verdict(
            Status.NOT_APPLICABLE,
            f"no local checkout of {reference.repository} on this machine "
            f"(name one in {repositories.told_in})",
        )
    if not checkout.is_dir():
        return Verdict(
            Status.NOT_APPLICABLE,
            f"the checkout of {reference.repository} is to be at {checkout}, "
            "which is not a folder on this machine",
        )
    source = _read_source(checkout, reference)
    if source.verdict is not None:
        return Verdict(source.verdict.status, source.verdict.reason, expected, source.verdict.seen)
    assert reference.symbol is not None  # the model requires it outside Python
    defined = definitions(source.text, reference.symbol, reference.language)
    found, how = defined.lines, defined.how
    where = f"{reference.file}" + (f" at {reference.revision}" if reference.revision else "")
    if not found:
        reason = f"{where} does not define {reference.symbol} ({how})"
        return Verdict(Status.FAILS, reason, expected)
    seen = f"{where} defines {reference.symbol} at line{'s' * (len(found) > 1)} " + ", ".join(
        map(str, found)
    )
    if reference.lines and not any(_within(line, reference.lines) for line in found):
        return Verdict(Status.FAILS, f"not within lines {reference.lines}", expected, seen)
    return Verdict(Status.HOLDS, "", expected, seen)


def _within(line: int, lines: str) -> bool:
    first, _, last = lines.partition("-")
    return int(first) <= line <= int(last or first)


def _read_source(checkout: Path, reference: CodeReference) -> _Source:
    if reference.revision:
        return _at_revision(checkout, reference.file, reference.revision)
    path = (checkout / reference.file).resolve()
    if not path.is_relative_to(checkout.resolve()):
        return _Source(verdict=Verdict(Status.FAILS, f"{reference.file} is outside the checkout"))
    try:
        return _Source(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return _Source(
            verdict=Verdict(Status.FAILS, f"{reference.file} does not exist in {checkout}")
        )
    except OSError as error:
        return _Source(verdict=Verdict(Status.ERROR, f"{reference.file} cannot be read: {error}"))


def _at_revision(checkout: Path, file: str, revision: str) -> _Source:
    git = shutil.which("git")
    if git is None:
        return _Source(verdict=Verdict(Status.SKIPPED, "needs git: not found on PATH"))
    if revision.startswith("-") or file.startswith("-"):
        return _Source(verdict=Verdict(Status.FAILS, "a revision or file cannot start with '-'"))
    try:
        resolved = _git(git, checkout, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        shown = _git(git, checkout, "show", f"{resolved.stdout.strip()}:{file}")
    except subprocess.TimeoutExpired:
        return _Source(verdict=Verdict(Status.ERROR, f"git did not answer in {GIT_SECONDS:g} s"))
    if resolved.returncode != 0:
        return _Source(
            verdict=Verdict(
                Status.ERROR,
                f"the checkout at {checkout} has no revision {revision} (fetch it, or "
                "is this the repository's checkout?)",
            )
        )
    commit = resolved.stdout.strip()
    if shown.returncode != 0:
        reason = f"{file} does not exist at {revision} ({commit[:12]})"
        return _Source(verdict=Verdict(Status.FAILS, reason, seen=shown.stderr.strip()))
    return _Source(shown.stdout)


def _git(git: str, checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [git, "-C", str(checkout), *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=GIT_SECONDS,
        check=False,
    )
