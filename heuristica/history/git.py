"""What the knowledge history needs from git, through the git command line.

Why the command line and not a library: git is already on every machine that
has a repository (CI included), it reads every repository git can (shallow
clones, packed refs, worktrees, partial clones, new index formats) because it
*is* git, and ``git cat-file --batch`` streams thousands of blobs through one
process. A library would be a second implementation to keep in step
(bench/bench_git_read.py measures it beside pygit2 and dulwich: docs/reviewing-changes.md).

Revisions are user input. They are never given to a shell (every command is an
argument list), never read as an option (``--end-of-options``), and one that
git does not know, or that a shallow clone lacks, is a ``GitError`` with a
message that says what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BEFORE_HISTORY",
    "WORKING_TREE",
    "Commit",
    "GitError",
    "NotARepository",
    "Repository",
    "TreeEntry",
    "repository",
]

WORKING_TREE = "working-tree"
"""The name for the files as they are on disk, uncommitted changes included."""
BEFORE_HISTORY = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""Git's empty tree: the knowledge before the first commit, the base of what a
repository's first commit did (a root commit has no ``~1``)."""

_MAX_REVISION_CHARS = 200
_SUBJECT_CHARS = 60
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_REGULAR = {"100644", "100755"}
_SYMLINK = "120000"
_DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


class GitError(Exception):
    """Something git cannot do, said so a user can act on it."""


class NotARepository(GitError):
    """The knowledge folder is in no git repository."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: dt.datetime
    subject: str
    parent: str | None = None
    """The first parent (None: the repository's first commit, or a shallow
    clone's oldest)."""

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class TreeEntry:
    """A file at a revision: its path below the folder asked for, and its blob."""

    path: str
    blob: str
    symlink: bool


def _run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """``git args`` in ``cwd``: its standard output; GitError with git's own message."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(said[-1] if said else f"git {args[0]} failed ({done.returncode})")
    return done.stdout


def _checked_revision(revision: str) -> str:
    """``revision`` if it can be one; GitError for what never is (an option, control
    characters, an empty or very long text)."""
    text = revision.strip()
    if not text:
        raise GitError("the revision is empty: name a branch, tag, commit or date (YYYY-MM-DD)")
    if len(text) > _MAX_REVISION_CHARS:
        raise GitError(f"the revision is {len(text)} characters long; no revision is")
    if text.startswith("-"):
        raise GitError(f"{text!r} is not a revision (it starts with '-')")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise GitError(f"{text!r} is not a revision (it holds control characters)")
    return text


@dataclass(frozen=True)
class Repository:
    """A git repository and the folder in it that holds the knowledge base."""

    top: Path
    """The repository's top folder (the working tree)."""
    prefix: str
    """The knowledge folder relative to ``top``, with ``/`` ("" for the top)."""

    @property
    def cache_key(self) -> str:
        """Names this repository's knowledge folder in the user cache."""
        where = f"{self.top}\0{self.prefix}".encode()
        return hashlib.blake2b(where, digest_size=6).hexdigest()

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        return _run(args, self.top, stdin)

    @property
    def shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def _depth_hint(self) -> str:
        if not self.shallow:
            return ""
        depth = int(self.git("rev-list", "--count", "HEAD").strip() or b"0")
        return (
            f"; this clone is shallow ({depth} commit{'s' * (depth != 1)} of history): "
            "fetch more with 'git fetch --deepen=N' (N commits more) or 'git fetch --unshallow' "
            "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
        )

    def resolve(self, revision: str) -> str:
        """The commit ``revision`` names (a branch, tag, commit, ``HEAD~2`` or a
        date ``YYYY-MM-DD``: the last commit on HEAD before its end)."""
        text = _checked_revision(revision)
        if text == BEFORE_HISTORY:
            return text
        if _DATE.match(text):
            return self._before(text)
        found = self._commit(text)
        if found is None:
            raise GitError(
                f"unknown revision {text!r}: not a branch, tag or commit of this repository"
                + self._depth_hint()
            )
        return found

    def _commit(self, name: str) -> str | None:
        """The commit ``name`` is, or None."""
        try:
            found = self.git(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"
            )
        except GitError:
            return None
        return found.decode().strip() or None

    def _before(self, day: str) -> str:
        moment = f"{day} 23:59:59" if len(day) == 10 else day
        found = self.git("rev-list", "-1", "--first-parent", f"--before={moment}", "HEAD").strip()
        if not found:
            raise GitError(f"no commit on HEAD is as old as {day}" + self._depth_hint())
        return found.decode()

    def default_base(self) -> str:
        """Where HEAD branched from the default branch (``origin/HEAD``, else
        ``main`` or ``master``): the merge-base, what a pull request is compared with."""
        branches = [name for name in _DEFAULT_BRANCHES if self._commit(name)]
        if not branches:
            raise GitError(
                "no default branch to compare with (none of origin/HEAD, origin/main, "
                "origin/master, main, master): name the base revision"
            )
        try:
            return self.git("merge-base", "HEAD", branches[0]).decode().strip()
        except GitError:
            raise GitError(
                f"HEAD and {branches[0]} share no commit here" + self._depth_hint()
            ) from None

    def describe(self, commit: str) -> str:
        """``abc1234567 (subject)`` for messages and headings."""
        if commit == BEFORE_HISTORY:
            return "nothing (before the first commit)"
        subject = self.git("log", "-1", "--format=%s", commit).decode("utf-8", "replace").strip()
        if len(subject) > _SUBJECT_CHARS:
            subject = subject[: _SUBJECT_CHARS - 1].rstrip() + "…"
        return f"{commit[:10]} ({subject})" if subject else commit[:10]

    def tree(self, commit: str) -> list[TreeEntry]:
        """The files of the knowledge folder at ``commit`` (regular files and
        symbolic links; submodules left out), paths relative to the folder."""
        spec = [self.prefix] if self.prefix else []
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", *spec)
        cut = len(self.prefix) + 1 if self.prefix else 0
        entries = []
        for row in listing.split(b"\0"):
            if not row:
                continue
            meta, _, name = row.partition(b"\t")
            mode, _kind, blob = meta.decode().split()
            if mode in _REGULAR or mode == _SYMLINK:
                path = name.decode("utf-8", "surrogateescape")[cut:]
                entries.append(TreeEntry(path, blob, mode == _SYMLINK))
        return entries

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of blobs, read through one ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self.git("cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode())
        found: dict[str, bytes] = {}
        at = 0
        for sha in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if len(header) != 3:
                raise GitError(f"git has no blob {sha}")
            size = int(header[2])
            found[sha] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return found

    def log(
        self,
        paths: Sequence[str] = (),
        limit: int = 50,
        follow: bool = False,
        until: str | None = None,
    ) -> list[Commit]:
        """The newest commits (at most ``limit``) that touched ``paths`` (relative
        to the knowledge folder; none: the whole folder), newest first; up to
        the commit ``until`` (a full commit id) when given, else up to HEAD."""
        spec = [f"{self.prefix}/{p}" if self.prefix else p for p in paths] or [self.prefix or "."]
        args = ["log", f"-n{limit}", "-z", "--format=%H%x1f%P%x1f%an%x1f%aI%x1f%s"]
        if follow:
            args.append("--follow")
        if until is not None:
            args += ["--end-of-options", self.resolve(until)]
        try:
            out = self.git(*args, "--", *spec)
        except GitError as error:
            if "does not have any commits" in str(error):
                return []
            raise
        commits = []
        for row in out.split(b"\0"):
            if row.strip():
                sha, parents, author, when, subject = (
                    row.decode("utf-8", "replace").strip().split("\x1f", 4)
                )
                first = parents.split()[0] if parents.split() else None
                when_made = dt.datetime.fromisoformat(when)
                commits.append(Commit(sha, author, when_made, subject, first))
        return commits

    def before(self, commit: Commit) -> str:
        """The revision to compare ``commit`` with to see what it did: its first
        parent; for the first commit, ``BEFORE_HISTORY``; for a shallow clone's
        oldest commit, its missing parent (so the message says how to fetch it)."""
        if commit.parent is not None:
            return commit.parent
        return f"{commit.sha}~1" if self.shallow else BEFORE_HISTORY

    def tags(self, limit: int = 10) -> list[tuple[str, str]]:
        """The newest tags: (name, commit)."""
        out = self.git(
            "for-each-ref",
            "--sort=-creatordate",
            f"--count={limit}",
            "--format=%(refname:short)%09%(objectname)%09%(*objectname)",
            "refs/tags",
        )
        tags = []
        for line in out.decode("utf-8", "replace").splitlines():
            name, sha, peeled = [*line.split("\t"), "", ""][:3]
            tags.append((name, peeled or sha))
        return tags


def repository(folder: Path) -> Repository:
    """The repository ``folder`` is in; GitError when it is in none."""
    if not folder.is_dir():
        raise GitError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    try:
        top = _run(["rev-parse", "--show-toplevel"], folder).decode().strip()
    except GitError:
        raise NotARepository(
            f"{folder} is not in a git repository: the knowledge history needs one "
            "('git init' and a first commit start it)"
        ) from None
    prefix = os.path.relpath(os.path.realpath(folder), os.path.realpath(top))
    return Repository(Path(top), "" if prefix == "." else prefix.replace(os.sep, "/"))
