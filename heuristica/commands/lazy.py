"""A command's handler named by its module and function, imported only when
that command runs: ``heuristica --version`` or ``heuristica new`` never load
the code that ``check`` or ``diff`` need."""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass

__all__ = ["Handler"]


@dataclass(frozen=True)
class Handler:
    """``module.function(args)``, the module imported on the first call."""

    module: str
    function: str

    def __call__(self, args: argparse.Namespace) -> int:
        run = getattr(importlib.import_module(self.module), self.function)
        return int(run(args))
