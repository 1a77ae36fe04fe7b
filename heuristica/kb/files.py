"""Which files in a knowledge folder are pages, and reading one without trusting it.

A knowledge folder can hold anything: editor lock and swap files, symbolic
links (dangling, or to somewhere else on the machine), named pipes, sockets,
files nobody may read, folders that vanish while they are listed, files that
change while they are read. ``scan_folder`` lists the page files and says, as
Problems, what it will not read and why; ``read_page_file`` reads one of them.
Neither ever raises for what it finds on disk, and neither blocks: nothing
but a regular file is ever opened for reading, and it is opened non-blocking.

What is read: every ``*.yaml`` / ``*.yml`` file below the folder, in
sub-folders too, whose name and folders do not start with ``.``. Hidden files
are skipped silently: that covers Emacs' lock links (``.#page.yaml``),
vim's swap files (``.page.yaml.swp``), LibreOffice's locks (``.~lock.*``),
macOS' ``._page.yaml`` and ``.git``. Other editor files (``page.yaml~``,
``#page.yaml#``, vim's ``4913``) do not end in ``.yaml`` and are never
considered.

A symbolic link is followed only when it resolves inside the knowledge
folder: a link to a file outside it is a Problem and is never read. A
symbolic link to a folder is not walked (its target, when inside, is walked
where it is). Paths in Problems are relative to the knowledge folder, so no
absolute path of the machine reaches a reader.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from heuristica.kb.problems import Problem, Severity

__all__ = [
    "FileKey",
    "PageFile",
    "PageOrder",
    "Scan",
    "Unreadable",
    "is_page_path",
    "page_order",
    "read_page_file",
    "scan_folder",
    "unchanged",
]

_PAGE_SUFFIXES = (".yaml", ".yml")

FileKey = tuple[int, int, int, int, int]
"""What identifies one version of a file's content: modification and change
times (ns), size, inode and device."""


def _key(status: os.stat_result) -> FileKey:
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino, status.st_dev)


class PageFile(NamedTuple):
    """A file to read: where it is shown (relative to the knowledge folder,
    with ``/``), where it is on disk (a link's target), and its version.
    (A named tuple: a scan makes one per page, 10,000 at a time.)"""

    relative: str
    path: str
    key: FileKey


@dataclass(frozen=True)
class Scan:
    """The page files of a knowledge folder, and what was not read, and why."""

    files: tuple[PageFile, ...]
    problems: tuple[Problem, ...]

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a page file is added, removed, renamed or edited,
        or what cannot be read changes. Valid in this process only (Python's
        hash of the whole listing: 64 bits, computed in C)."""
        return f"{hash((self.files, self.problems)):x}"


class Unreadable(Exception):
    """A page file that cannot be read; ``code`` and ``message`` make its Problem.
    ``gone`` means it vanished: nothing to report, the next scan will not list it."""

    def __init__(self, code: str, message: str, gone: bool = False) -> None:
        super().__init__(message)
        self.code, self.message, self.gone = code, message, gone


_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def _not_a_file(mode: int, verb: str = "is") -> str:
    return f"{verb} {_KINDS.get(stat.S_IFMT(mode), 'a special file')}, not a regular file; not read"


def _reason(error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links"
    return (error.strerror or type(error).__name__).lower()


def _inside(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def is_page_path(relative: str) -> bool:
    """Whether ``scan_folder`` reads the file at ``relative`` (``/``-separated) as a
    page: a ``.yaml`` or ``.yml`` name, no part of the path hidden."""
    return relative.endswith(_PAGE_SUFFIXES) and not any(
        part.startswith(".") for part in relative.split("/")
    )


PageOrder = tuple[tuple[int, str], ...]


def page_order(relative: str) -> PageOrder:
    """Sorts ``/``-separated paths in the order ``scan_folder`` lists them: a
    folder's files, by name, before its sub-folders, each walked in turn."""
    *folders, name = relative.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def scan_folder(root: Path | str) -> Scan:
    """Every page file below ``root``, in a stable order (a folder's files
    before its sub-folders, names sorted), and a Problem for each one skipped."""
    real_root = os.path.realpath(root)
    files: list[PageFile] = []
    problems: list[Problem] = []

    def report(relative: str, code: str, message: str) -> None:
        problems.append(Problem(relative, 0, 0, Severity.ERROR, code, message))

    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(os.path.join(real_root, folder)) as listing:
                entries = sorted(listing, key=_name)
        except (FileNotFoundError, NotADirectoryError):
            if not folder:
                report(".", "missing-folder", "the knowledge folder does not exist")
            continue  # a sub-folder removed while we walked: nothing left to read
        except OSError as error:
            shown = f"{folder}/" if folder else "."
            report(shown, "unreadable-folder", f"folder cannot be read ({_reason(error)})")
            continue
        folders: list[str] = []
        prefix = f"{folder}/" if folder else ""
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            relative = prefix + name
            try:
                if entry.is_file(follow_symlinks=False):  # most entries: told without a stat
                    if name.endswith(_PAGE_SUFFIXES):
                        status = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(status.st_mode):
                            files.append(PageFile(relative, entry.path, _key(status)))
                        else:  # replaced since it was listed
                            report(relative, "not-a-file", _not_a_file(status.st_mode))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(relative)
                    continue
                found = _page_file(entry, relative, real_root, report)
            except FileNotFoundError:
                continue  # removed while we looked
            except OSError as error:
                report(relative, "unreadable", f"cannot be read ({_reason(error)})")
                continue
            if found is not None:
                files.append(found)
        pending.extend(reversed(folders))
    return Scan(tuple(files), tuple(problems))


_Report = Callable[[str, str, str], None]
_name = attrgetter("name")


def _page_file(
    entry: os.DirEntry[str], relative: str, real_root: str, report: _Report
) -> PageFile | None:
    """The page file ``entry`` is (a symbolic link's target), or None."""
    is_page = entry.name.endswith(_PAGE_SUFFIXES)
    if not entry.is_symlink():
        if not is_page:
            return None
        status = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(status.st_mode):
            report(relative, "not-a-file", _not_a_file(status.st_mode))
            return None
        return PageFile(relative, entry.path, _key(status))
    target = os.path.realpath(entry.path)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        if is_page:
            report(relative, "broken-symlink", "is a symbolic link to nothing (no such file)")
        return None
    except OSError as error:
        if is_page:
            report(relative, "unreadable", f"cannot be read ({_reason(error)})")
        return None
    is_folder = stat.S_ISDIR(status.st_mode)
    if not _inside(real_root, target):
        if is_page or is_folder:
            what = "folder" if is_folder else "file"
            report(
                relative,
                "link-outside",
                f"is a symbolic link to a {what} outside the knowledge folder; not read",
            )
        return None
    if not is_page or is_folder:
        return None  # a folder inside is walked where it is
    if not stat.S_ISREG(status.st_mode):
        report(relative, "not-a-file", _not_a_file(status.st_mode, "links to"))
        return None
    return PageFile(relative, target, _key(status))


def unchanged(found: PageFile) -> bool:
    """Whether ``found`` is still a regular file at the version the scan saw
    (a stat, nothing read)."""
    try:
        status = os.stat(found.path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and _key(status) == found.key


def read_page_file(found: PageFile, limit: int) -> tuple[bytes, FileKey | None]:
    """At most ``limit + 1`` bytes of ``found``, and the version they are from
    (None when the file changed while it was read, so they belong to no version).

    Raises Unreadable; never blocks: the file is opened non-blocking, without
    following a link, and read only if it is a regular file.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(found.path, flags)
    except FileNotFoundError:
        raise Unreadable("unreadable", "removed while being read", gone=True) from None
    except OSError as error:
        raise Unreadable("unreadable", f"cannot be read ({_reason(error)})") from None
    try:
        before = os.fstat(descriptor)
        if not stat.S_ISREG(before.st_mode):
            raise Unreadable("not-a-file", _not_a_file(before.st_mode))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        after = os.fstat(descriptor)
    except OSError as error:
        raise Unreadable("unreadable", f"cannot be read ({_reason(error)})") from None
    finally:
        os.close(descriptor)
    key = _key(after)
    return b"".join(chunks), key if key == _key(before) else None
