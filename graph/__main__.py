import sys

from heuristica.graph.cli import main

sys.exit(main(prog="python -m graph"))
