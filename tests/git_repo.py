"""A real git repository scripted by a test: a knowledge folder in it, files
written and removed, commits with fixed authors and dates, tags, branches,
shallow clones."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.kb import write

__all__ = ["ScriptedRepo", "two_versions"]

_START = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


class ScriptedRepo:
    """A git repository at ``top`` with its knowledge base in ``knowledge/``."""

    def __init__(self, top: Path, branch: str = "main") -> None:
        self.top = top
        self.kb = top / "knowledge"
        self.commits = 0
        top.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)

    def git(self, *args: str) -> str:
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Author",
            "GIT_AUTHOR_EMAIL": "ada@example.org",
            "GIT_COMMITTER_NAME": "Ada Author",
            "GIT_COMMITTER_EMAIL": "ada@example.org",
        }
        if self.commits is not None:
            when = (_START + dt.timedelta(days=self.commits)).isoformat()
            env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(
            ["git", *args], cwd=self.top, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, name: str, content: str | dict[str, Any]) -> None:
        """A file below the knowledge folder (a dict is written as YAML)."""
        write(self.kb, name, content)

    def remove(self, name: str) -> None:
        (self.kb / name).unlink()

    def commit(self, message: str) -> str:
        """Everything as it is now, committed one day after the last commit; its sha."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        self.commits += 1
        return self.git("rev-parse", "HEAD")


P = "principle/fork-copies-one-thread"
IMPL = "implementation/get-context"
H = "heuristic/use-spawn"
OLD = "heuristic/old-advice"
NEW = "heuristic/cap-threads"


def two_versions(top: Path) -> ScriptedRepo:
    """A knowledge base in two commits: the first (tagged v1) has an "Old advice"
    heuristic; the second removes it, adds "Cap native threads in workers" in
    its place and edits "Use spawn, not fork"."""
    from tests.kb import page

    repo = ScriptedRepo(top)
    title = "Fork copies only the calling thread"
    repo.write(
        f"{IMPL}.yaml",
        page(IMPL, ("uses_heuristic", H), title="multiprocessing.get_context(method)"),
    )
    repo.write(f"{H}.yaml", page(H, title="Use spawn, not fork"))
    repo.write(f"{OLD}.yaml", page(OLD, title="Old advice"))
    links = [("implemented_by", IMPL), ("uses_heuristic", H)]
    repo.write(f"{P}.yaml", page(P, *links, ("uses_heuristic", OLD), title=title))
    repo.commit("First pages")
    repo.git("tag", "v1")
    overview = "Spawn starts a fresh interpreter: no inherited locks."
    repo.write(f"{H}.yaml", page(H, title="Use spawn, not fork", overview=overview))
    repo.remove(f"{OLD}.yaml")
    repo.write(f"{NEW}.yaml", page(NEW, title="Cap native threads in workers"))
    repo.write(f"{P}.yaml", page(P, *links, ("uses_heuristic", NEW), title=title))
    repo.commit("Replace old advice with thread caps")
    return repo
