"""What the interpreter under test is and has, asked of that interpreter itself
(``probe.py`` run by it), so ``--python`` judges checks against the other
Python's version, platform and packages, not against ours."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import heuristica
from heuristica.kb.parsecache import user_cache_folder
from heuristica.processes.runner import run_file

__all__ = [
    "PROBE_FILE",
    "PROBE_SOURCE",
    "Environment",
    "ModuleInfo",
    "ProbeError",
    "ask",
    "check_env",
    "read_environment",
]

PROBE_FILE = "heuristica-probe.py"
"""A name no ``import`` can reach, so the probe never shadows a module it asks about."""
PROBE_SOURCE = (Path(__file__).parent / "probe.py").read_text(encoding="utf-8")
PROBE_SECONDS = 60.0


class ProbeError(Exception):
    """The interpreter could not be asked what it is."""


@dataclass(frozen=True)
class ModuleInfo:
    installed: bool
    distribution: str | None = None
    """The distribution that installs it (None for the standard library)."""


@dataclass(frozen=True)
class Environment:
    implementation: str
    python: str
    platform: str
    machine: str
    executable: str
    packages: dict[str, str | None] = field(default_factory=dict)
    """Distribution name -> installed version, None when it is not installed."""
    modules: dict[str, ModuleInfo] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["modules"]
        return data


def read_environment(
    interpreter: str, packages: Iterable[str], modules: Iterable[str]
) -> Environment:
    """Ask ``interpreter`` about itself, the versions of ``packages``, and where
    ``modules`` come from (their distributions' versions join ``packages``).
    ProbeError when it cannot answer."""
    request = {
        "what": "environment",
        "packages": sorted(set(packages)),
        "modules": sorted(set(modules)),
    }
    answer = ask(interpreter, request)
    return Environment(
        implementation=answer["implementation"],
        python=answer["python"],
        platform=answer["platform"],
        machine=answer["machine"],
        executable=answer["executable"],
        packages=answer["packages"],
        modules={name: ModuleInfo(**info) for name, info in answer["modules"].items()},
    )


def check_env() -> dict[str, str]:
    """The environment a check (or the probe) runs in: ours, with a folder that
    holds nothing but this package first on ``PYTHONPATH``. Installed,
    heuristica sits in a site-packages: putting that whole folder on the path
    would shadow the packages of the interpreter under test with ours."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (_import_folder(), env.get("PYTHONPATH", "")) if part
    )
    return env


@functools.cache
def _import_folder() -> str:
    """A folder in the per-user cache with one link, ``heuristica``, to this package
    (made once); the folder that holds the package when no link can be made."""
    package = Path(heuristica.__file__).resolve().parent
    name = hashlib.blake2b(str(package).encode(), digest_size=8).hexdigest()
    folder = user_cache_folder() / "import" / name
    link = folder / "heuristica"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink() or link.resolve() != package:
            # one name per process and thread: matrix cells ask at the same time
            temporary = folder / f".heuristica-{os.getpid()}-{threading.get_ident()}"
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(package, target_is_directory=True)
            os.replace(temporary, link)
    except OSError:
        return str(heuristica.IMPORT_ROOT)
    return str(folder)


def ask(interpreter: str, request: Mapping[str, object]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="heuristica-probe-") as folder:
        probe = Path(folder) / PROBE_FILE
        probe.write_text(PROBE_SOURCE, encoding="utf-8")
        outcome = run_file(
            interpreter, probe, [json.dumps(request)], PROBE_SECONDS, Path(folder), check_env()
        )
    lines = [event["line"] for event in outcome.events if event["event"] == "output"]
    try:
        answer = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        errors = [event["line"] for event in outcome.events if event["event"] == "stderr"]
        detail = "\n".join(errors[-10:]) or f"it exited with status {outcome.returncode}"
        raise ProbeError(f"{interpreter} could not say what it is: {detail}") from None
    if not isinstance(answer, dict):
        raise ProbeError(f"{interpreter} answered {answer!r}, not a description")
    return answer
