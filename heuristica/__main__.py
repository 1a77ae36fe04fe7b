"""``python -m heuristica``: the ``heuristica`` command."""

import sys

from heuristica.commands.cli import main

sys.exit(main(prog="python -m heuristica"))
