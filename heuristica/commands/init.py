"""``heuristica init [DIR]``: a new team's repository from the template that
ships with heuristica (heuristica/commands/templates/team/): a knowledge folder with one
sample page of each type, a tour, a verification matrix and repositories.toml,
a pre-commit hook, GitHub Actions workflows (check and verify on every push;
verify on every cell of the matrix, one job per cell; a comment on each pull
request of what it does to the knowledge) and a README.

Nothing is overwritten: when any file it would write exists, it writes none.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

import heuristica

__all__ = ["KNOWLEDGE_FOLDER", "TEMPLATE", "InitError", "InstallSpec", "init", "install_spec"]

TEMPLATE = Path(__file__).parent / "templates" / "team"
KNOWLEDGE_FOLDER = "knowledge"
_DOT = "dot-"
"""A template name starting with this is written with a '.' instead (package
data globs skip dot files)."""


class InitError(Exception):
    """Nothing was written: the message says why."""


@dataclass(frozen=True)
class InstallSpec:
    """What the workflow ``pip install``s; ``known`` is False when it is a guess
    (this heuristica came from a local file, folder or checkout, which CI cannot
    reach), so the user is told to check it."""

    spec: str
    known: bool


@dataclass(frozen=True)
class Written:
    folder: Path
    files: list[Path]
    install: InstallSpec


def init(folder: Path, install: str | None = None) -> Written:
    """Write the template into ``folder`` (made if missing), the workflow
    installing ``install`` (default: ``install_spec()``); InitError, writing
    nothing, when a file it would write is there already."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file, not a folder")
    planned = {folder / _target(source): source for source in _template_files()}
    existing = sorted(str(path) for path in planned if path.exists() or path.is_symlink())
    if existing:
        raise InitError(
            f"not overwriting what is there: {', '.join(existing)} (nothing was written; "
            "choose an empty folder, or move these away)"
        )
    spec = InstallSpec(install, True) if install else install_spec()
    values = _values(spec.spec)
    for target, source in planned.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_filled(source.read_text("utf-8"), values), "utf-8")
    return Written(folder, sorted(planned), spec)


def _template_files() -> list[Path]:
    return sorted(path for path in TEMPLATE.rglob("*") if path.is_file())


def _target(source: Path) -> Path:
    parts = source.relative_to(TEMPLATE).parts
    return Path(
        *(f".{part.removeprefix(_DOT)}" if part.startswith(_DOT) else part for part in parts)
    )


def _values(install: str) -> dict[str, str]:
    return {
        "{today}": dt.date.today().isoformat(),
        "{knowledge}": KNOWLEDGE_FOLDER,
        "{knowledge_pattern}": KNOWLEDGE_FOLDER,
        "{install}": shlex.quote(install),
        "{install_matrix}": shlex.quote(with_extra(install, "matrix")),
    }


def with_extra(install: str, extra: str) -> str:
    """``install`` with ``extra`` added (``heuristica[matrix]==0.1.0``); unchanged
    when it is not a requirement (a path or a bare URL: the note says to edit it)."""
    try:
        requirement = Requirement(install)
    except InvalidRequirement:
        return install
    requirement.extras.add(extra)
    return str(requirement)


def _filled(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def install_spec() -> InstallSpec:
    """What CI should ``pip install`` to get this heuristica: where it came from
    when that is a URL others can reach (PEP 610's direct_url.json), else its
    name and version (known to be reachable only when it came from an index)."""
    by_version = f"heuristica=={heuristica.__version__}"
    try:
        recorded = metadata.distribution("heuristica").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return InstallSpec(by_version, known=False)  # run from a checkout
    if recorded is None:
        return InstallSpec(by_version, known=True)  # from a package index
    url, vcs = _direct_url(recorded)
    if url.startswith("https://"):
        return InstallSpec(f"heuristica @ {vcs}{url}", known=True)
    return InstallSpec(by_version, known=False)


def _direct_url(recorded: str) -> tuple[str, str]:
    """(url, 'git+' for a VCS install) from a direct_url.json; ("", "") if unreadable."""
    try:
        data = json.loads(recorded)
    except json.JSONDecodeError:
        return "", ""
    url = str(data.get("url", ""))
    vcs_info = data.get("vcs_info")
    if isinstance(vcs_info, dict) and vcs_info.get("vcs"):
        commit = vcs_info.get("commit_id")
        return (f"{url}@{commit}" if commit else url), f"{vcs_info['vcs']}+"
    return url, ""
