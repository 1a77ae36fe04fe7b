"""``heuristica check``: every problem in a knowledge base, in the format asked
for. A folder where nothing changed since the last check (``commands.checked``)
is answered from what that check found, without importing the loader; else
the folder is loaded as the app loads it and what was found is kept."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from heuristica.commands.checked import keep, recall
from heuristica.commands.reports import FORMATS, Findings, Report, Summary
from heuristica.commands.usage import folder
from heuristica.kb.files import Scan, scan_folder
from heuristica.live.fingerprint import lasting_fingerprint, other_versions

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    root = folder(args.path)
    scan = scan_folder(root)
    key = lasting_fingerprint(scan, other_versions(root))
    found = recall(root, key)
    findings, summary = found if found is not None else _load(root, scan, key)
    report = Report(_from_here(findings, root), summary, strict=args.strict)
    sys.stdout.write(FORMATS[args.format](report))
    return report.exit_code


def _load(root: Path, scan: Scan, key: str) -> tuple[Findings, Summary]:
    """The folder as ``scan`` lists it, loaded and checked, and kept under ``key``."""
    from heuristica.commands.loaded import knowledge_base  # the loader: only when needed

    kb = knowledge_base(root, scan)
    findings = Findings(root, kb.result.problems, kb.result.sources)
    summary = Summary.of(kb.result, kb.graph)
    keep(root, key, findings, summary)
    return findings, summary


def _from_here(findings: Findings, folder: Path) -> Findings:
    """``findings`` with their files named from where the command runs (the
    loader names them relative to the knowledge folder), so an editor or CI
    can open them."""

    def shown(file: str) -> str:
        return os.path.normpath(os.path.join(folder, file))

    problems = [dataclasses.replace(p, file=shown(p.file)) for p in findings.problems]
    return Findings(findings.root, problems, [shown(file) for file in findings.sources])
