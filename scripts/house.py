"""The house as the code says it is: rooms, floors, arrows, circles, sizes,
and its picture, made from the real import graph.

    python -m scripts.house                      the numbers of this checkout
    python -m scripts.house --root DIR           of another checkout (an old commit)
    python -m scripts.house --svg docs/house.svg also draw the picture

A module is a ``.py`` file of the product (everything but tests/, bench/,
scripts/, docs/ and knowledge/), named by where it physically is: imports
through a link (the old ``heuristica/graph -> ../graph``) count where the
file lives. A room is the folder a module is in; a module directly in the
package root or the checkout root is a room of its own (the ground everything
stands on, or a door). Every import counts, those inside a function too. An
arrow is one room importing another; floors are counted from the ground: a
room stands one floor above the highest room it imports. A circle is a set
of rooms (or modules) that import each other round; an arrow running back up
is one inside a circle, where no floor can be told.
"""

from __future__ import annotations

import argparse
import ast
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

__all__ = ["House", "measure"]

_NOT_PRODUCT = {"tests", "bench", "scripts", "docs", "knowledge", "build", "dist"}
_PACKAGE = "heuristica"
_ROOM_ORDER_FLOOR_HEIGHT = 74
_ROOM_WIDTH = 170
_ROOM_HEIGHT = 40
_GAP = 22


@dataclass(frozen=True)
class Function:
    module: str
    name: str
    lines: int


@dataclass
class House:
    modules: dict[str, Path]
    """Module name (physical) -> file."""
    imports: nx.DiGraph
    """Module -> module it imports."""
    rooms: nx.DiGraph
    """Room -> room it imports (an arrow)."""
    lines: dict[str, int]
    functions: list[Function]

    def floors(self) -> dict[str, int]:
        """Room -> its floor (0: the ground); rooms in a circle share one."""
        condensed = nx.condensation(self.rooms)
        floor: dict[int, int] = {}
        for node in reversed(list(nx.topological_sort(condensed))):
            below = [floor[succ] + 1 for succ in condensed.successors(node)]
            floor[node] = max(below, default=0)
        members = condensed.graph["mapping"]
        return {room: floor[members[room]] for room in self.rooms}

    def circles(self, graph: nx.DiGraph) -> list[list[str]]:
        return [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]

    def back_up(self) -> list[tuple[str, str]]:
        """Arrows inside a circle of rooms."""
        inside = {room: i for i, c in enumerate(self.circles(self.rooms)) for room in c}
        return [(a, b) for a, b in self.rooms.edges if a in inside and inside[a] == inside.get(b)]

    def summary(self) -> dict[str, object]:
        floors = self.floors()
        largest_module = max(self.lines.items(), key=lambda item: item[1])
        largest_function = max(self.functions, key=lambda f: f.lines)
        return {
            "modules": len(self.modules),
            "rooms": self.rooms.number_of_nodes(),
            "floors": max(floors.values()) + 1,
            "arrows": self.rooms.number_of_edges(),
            "circles of rooms": len(self.circles(self.rooms)),
            "circles of modules": len(self.circles(self.imports)),
            "arrows running back up": len(self.back_up()),
            "largest module": f"{largest_module[0]} ({largest_module[1]} lines)",
            "modules over 400 lines": sorted(m for m, n in self.lines.items() if n > 400),
            "largest function": f"{largest_function.module}.{largest_function.name} "
            f"({largest_function.lines} lines)",
            "functions over 60 lines": sorted(
                f"{f.module}.{f.name} ({f.lines})" for f in self.functions if f.lines > 60
            ),
        }


def _product_files(root: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith((".", "__pycache__"))
            and not (here == root and name in _NOT_PRODUCT)
            and not (here / name).is_symlink()
        )
        for name in sorted(files):
            path = here / name
            if name.endswith(".py") and not path.is_symlink():
                yield path


def _name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "(root)"


def _resolve(root: Path, dotted: str, known: dict[Path, str]) -> str | None:
    """The physical module ``dotted`` names (through links), or None if not ours."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return known.get(candidate.resolve())
    return None


def _imported(tree: ast.AST, module: str) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, *filter(None, [base])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _room(module: str, path: Path, root: Path) -> str:
    """The folder of ``module``; a module directly in a root is a room of its own."""
    folder = path.parent.relative_to(root)
    return module if str(folder) in (".", _PACKAGE) else str(folder)


def _functions(tree: ast.AST, module: str) -> Iterator[Function]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            end = node.end_lineno or node.lineno
            yield Function(module, node.name, end - node.lineno + 1)


def measure(root: Path) -> House:
    root = root.resolve()
    files = list(_product_files(root))
    known = {path.resolve(): _name(root, path) for path in files}
    modules = {name: path for path, name in known.items()}
    imports: nx.DiGraph = nx.DiGraph()
    rooms: nx.DiGraph = nx.DiGraph()
    lines: dict[str, int] = {}
    functions: list[Function] = []
    room_of = {name: _room(name, path, root) for name, path in modules.items()}
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        lines[name] = len(text.splitlines())
        tree = ast.parse(text)
        imports.add_node(name)
        rooms.add_node(room_of[name])
        functions += _functions(tree, name)
        for dotted in _imported(tree, name):
            if not dotted.startswith(_PACKAGE) and dotted.split(".")[0] not in modules:
                continue
            target = _resolve(root, dotted, known)
            if target is None or target == name:
                continue
            imports.add_edge(name, target)
            if room_of[target] != room_of[name]:
                rooms.add_edge(room_of[name], room_of[target])
    return House(modules, imports, rooms, lines, functions)


def _short(room: str) -> str:
    return room.removeprefix(f"{_PACKAGE}/").removeprefix(f"{_PACKAGE}.")


def _label(room: str) -> str:
    short = _short(room)
    return {_PACKAGE: "heuristica (root)", "graph": "graph/ (python -m graph)"}.get(short, short)


def _ordered(house: House, floors: dict[str, int]) -> dict[int, list[str]]:
    """The rooms of each floor, top floor first, each floor ordered by where
    the rooms above that import them sit (fewer crossing arrows)."""
    by_floor: dict[int, list[str]] = {}
    for room in sorted(house.rooms, key=_short):
        by_floor.setdefault(floors[room], []).append(room)
    placed: dict[str, float] = {}
    for floor in sorted(by_floor, reverse=True):
        rooms = by_floor[floor]
        alone = {room: float(index) for index, room in enumerate(rooms)}

        def weight(room: str, alone: dict[str, float] = alone) -> float:
            above = [placed[a] for a in house.rooms.predecessors(room) if a in placed]
            return sum(above) / len(above) if above else alone[room]

        rooms.sort(key=weight)
        placed.update({room: float(index) for index, room in enumerate(rooms)})
    return by_floor


def svg(house: House) -> str:
    """The rooms on their floors (the ground at the bottom) and the arrows
    between them, less those another path of arrows already implies."""
    floors = house.floors()
    by_floor = _ordered(house, floors)
    top = max(by_floor)
    widest = max(len(rooms) for rooms in by_floor.values())
    width = max(widest * (_ROOM_WIDTH + _GAP) + _GAP + 90, 620)
    height = (top + 1) * _ROOM_ORDER_FLOOR_HEIGHT + 70
    centre: dict[str, tuple[float, float]] = {}
    parts = []
    for floor, rooms in by_floor.items():
        y = 60 + (top - floor) * _ROOM_ORDER_FLOOR_HEIGHT
        row = len(rooms) * (_ROOM_WIDTH + _GAP) - _GAP
        x0 = 90 + (width - 90 - row) / 2
        parts.append(
            f'<text x="8" y="{y + _ROOM_HEIGHT / 2 + 5}" class="floor">floor {floor}</text>'
        )
        for index, room in enumerate(rooms):
            x = x0 + index * (_ROOM_WIDTH + _GAP)
            centre[room] = (x + _ROOM_WIDTH / 2, y)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{_ROOM_WIDTH}" height="{_ROOM_HEIGHT}" rx="6"/>'
                f'<text x="{x + _ROOM_WIDTH / 2}" y="{y + _ROOM_HEIGHT / 2 + 5}" '
                f'class="room">{_label(room)}</text>'
            )
    back = set(house.back_up())
    shown = (
        nx.transitive_reduction(house.rooms) if not back else house.rooms
    )  # a circle has no reduction: then every arrow
    arrows = []
    for a, b in sorted(shown.edges):
        (xa, ya), (xb, yb) = centre[a], centre[b]
        up = (a, b) in back
        y1, y2 = (ya + _ROOM_HEIGHT, yb) if ya < yb else (ya, yb + _ROOM_HEIGHT)
        arrows.append(
            f'<line x1="{xa}" y1="{y1}" x2="{xb}" y2="{y2}" '
            f'class="{"up" if up else "down"}" marker-end="url(#head)"/>'
        )
    summary = house.summary()
    title = (
        f"heuristica: {summary['rooms']} rooms on {summary['floors']} floors, "
        f"{summary['circles of rooms']} circles, {summary['arrows running back up']} "
        "arrows running back up"
    )
    subtitle = (
        f"An arrow: imports. {summary['arrows']} arrows; the {len(arrows)} drawn imply the "
        "others. Made by scripts/house.py from the imports."
    )
    style = (
        "rect{fill:#E3F2FD;stroke:#1565C0}"
        "text{font:13px sans-serif}.room{text-anchor:middle}.floor{fill:#757575}"
        ".title{font-weight:bold}"
        "line{stroke-width:1.2}.down{stroke:#757575}.up{stroke:#D32F2F;stroke-width:2}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><style>{style}</style>'
        '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#757575"/></marker>'
        f'</defs><rect x="0" y="0" width="{width}" height="{height}" '
        'style="fill:#FFFFFF;stroke:none"/>'
        f'<text x="8" y="20" class="title">{title}</text>'
        f'<text x="8" y="38">{subtitle}</text>'
        f"{''.join(arrows)}{''.join(parts)}</svg>\n"
    )


def _print(summary: dict[str, object]) -> None:
    for key, value in summary.items():
        if isinstance(value, list):
            print(f"{key}: {len(value)}")
            for item in value:
                print(f"    {item}")
        else:
            print(f"{key}: {value}")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.house", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--svg", type=Path, help="write the picture of the house here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    house = measure(args.root)
    _print(house.summary())
    if args.svg:
        args.svg.write_text(svg(house), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
