"""Loading a folder again after random edits (``live.reload.Reloader``: parse
cache, checks across pages, verification warnings and graph, each updated
for what changed) gives exactly what a load from scratch gives: the same
pages, tours, Problems and files, and a graph equal to the order of every
node, link and neighbour. A fixed seed: a failure can be replayed."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from heuristica.checks.record import (
    RECORD_FILE,
    PageRun,
    Record,
    RecordedCheck,
    page_hash,
    with_verification_problems,
)
from heuristica.checks.recorded import RecordedEnvironment
from heuristica.checks.run import Status
from heuristica.kb import knowledge
from heuristica.kb.files import scan_folder
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.model import CODE_REFERENCE_CHECK, PAGE_ADAPTER
from heuristica.kb.relations import RELATIONS
from heuristica.live.reload import Reloader
from tests.kb import page, write

DEMOS = frozenset({"spawn_vs_fork"})
IDS = [
    f"{page_type}/{slug}"
    for page_type in ("principle", "implementation", "heuristic", "environment")
    for slug in ("alpha", "beta", "gamma", "delta", "epsilon")
]
RELATION_NAMES = [*RELATIONS, "uses_heuristics"]
"""Every relation, and one misspelt."""
STEPS = 150


class Folder:
    """A knowledge folder edited at random, each file's time set apart from
    the last so that every write is a new version whatever the clock's grain."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng = root, rng
        self.stamp = 1_700_000_000 * 10**9
        self.files: list[str] = []
        self.last: LoadResult | None = None

    def put(self, name: str, content: str | dict[str, Any]) -> None:
        path = write(self.root, name, content)
        self.stamp += 10**9
        os.utime(path, ns=(self.stamp, self.stamp))
        if name not in self.files and name != RECORD_FILE:
            self.files.append(name)

    def a_page(self, page_id: str | None = None) -> dict[str, Any]:
        rng = self.rng
        page_id = page_id or rng.choice(IDS)
        links = [self.a_link(page_id) for _ in range(rng.choice([0, 1, 2, 3, 3, 4]))]
        fields: dict[str, Any] = {"title": f"Page {rng.randrange(1000)}"}
        if rng.random() < 0.15:
            fields["demo"] = rng.choice(["spawn_vs_fork", "spawn_vs_frok"])
        data = page(page_id, *links, **fields)
        if page_id.startswith("implementation/") and rng.random() < 0.2:
            data["code_reference"]["signature"] = "def get_context(method=None"
        return data

    def a_link(self, source: str) -> tuple[str, str]:
        """Mostly one the relation table allows; else any, a misspelt relation
        or a page that never exists."""
        rng = self.rng
        allowed = [
            (name, target)
            for name, relation in RELATIONS.items()
            for target in IDS
            if (source.split("/")[0], target.split("/")[0]) in relation.pairs
        ]
        if allowed and rng.random() < 0.8:
            return rng.choice(allowed)
        return rng.choice(RELATION_NAMES), rng.choice([*IDS, "heuristic/nowhere"])

    def a_tour(self) -> dict[str, Any]:
        steps = [
            {"page": self.rng.choice([*IDS, "heuristic/nowhere"]), "note": "Look."}
            for _ in range(self.rng.randint(1, 3))
        ]
        tour_id = self.rng.choice(["first", "second"])
        return {
            "id": tour_id,
            "title": tour_id.title(),
            "audience": "Newcomers",
            "estimated_minutes": 5,
            "steps": steps,
        }

    def a_record(self) -> Record:
        """Runs for some of the pages loaded last: current (one check fails)
        or of an older version (stale)."""
        runs = {}
        for page_id, loaded in (self.last.pages if self.last else {}).items():
            if self.rng.random() < 0.3:
                current = self.rng.random() < 0.5
                runs[page_id] = [
                    PageRun(
                        page_hash=page_hash(loaded) if current else "0" * 16,
                        verified_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                        environment=RecordedEnvironment(
                            implementation="CPython", python="3.11.7", platform="linux"
                        ),
                        checks={CODE_REFERENCE_CHECK: RecordedCheck(status=Status.FAILS)},
                    )
                ]
        return Record(pages=runs)

    def edit(self) -> str:
        """One random change; what it was."""
        rng = self.rng
        kinds = (
            ["add"] * 4 + ["edit"] * 4 + ["remove", "rename", "break", "tour", "record", "touch"]
        )
        kind = rng.choice(kinds if self.files else ["add"])
        name = rng.choice(self.files) if self.files else ""
        if kind == "add":
            name = f"{rng.choice(['', 'sub/', 'sub/deeper/'])}p{rng.randrange(10**6)}.yaml"
            self.put(name, self.a_page())
        elif kind == "edit" and not name.startswith("tours/"):
            same_id = rng.random() < 0.7 and self._id_of(name)
            self.put(name, self.a_page(same_id or None))
        elif kind == "remove":
            (self.root / name).unlink()
            self.files.remove(name)
        elif kind == "rename":
            folder = "tours/" if name.startswith("tours/") else rng.choice(["", "sub/"])
            new = f"{folder}r{rng.randrange(10**6)}.yaml"
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).rename(self.root / new)
            self.files[self.files.index(name)] = new
        elif kind == "break":
            self.put(name, rng.choice(["type: principle\nid: [\n", "", "- a list\n"]))
        elif kind == "tour":
            self.put(f"tours/t{rng.randrange(3)}.yaml", self.a_tour())
        elif kind == "record":
            if rng.random() < 0.15:
                self.put(RECORD_FILE, "{not json")
            elif rng.random() < 0.15:
                (self.root / RECORD_FILE).unlink(missing_ok=True)
            else:
                self.put(RECORD_FILE, self.a_record().model_dump_json())
        elif kind == "touch":
            self.put(name, (self.root / name).read_text("utf-8"))
        return f"{kind} {name}"

    def _id_of(self, name: str) -> str | None:
        for line in (self.root / name).read_text("utf-8").splitlines():
            if line.startswith("id: ") and line[4:] in IDS:
                return line[4:]
        return None


def from_scratch(root: Path) -> tuple[LoadResult, KnowledgeGraph]:
    result = with_verification_problems(load_knowledge(root, DEMOS))
    return result, KnowledgeGraph(result.pages)


def _ordered(adjacency: Any) -> list[Any]:
    """networkx's adjacency as nested lists: compared, order counts."""
    return [
        (node, [(other, list(keys.items())) for other, keys in neighbours.items()])
        for node, neighbours in adjacency.items()
    ]


def snapshot(result: LoadResult, graph: KnowledgeGraph) -> dict[str, Any]:
    """Everything a reader of the load and the graph can see."""
    return {
        "pages": list(result.pages.items()),
        "tours": list(result.tours.items()),
        "problems": result.problems,
        "files": list(result.files.items()),
        "sources": result.sources,
        "nodes": list(graph.nx.nodes(data=True)),
        "succ": _ordered(graph.nx.succ),
        "pred": _ordered(graph.nx.pred),
        "edges": list(graph.nx.edges(keys=True, data=True)),
        "links": (graph.link_count, graph.nx.number_of_edges()),
        "degrees": [(node, graph.degree(node), graph.nx.degree(node)) for node in graph.nx],
        "stats": graph.stats(),
        "most linked": graph.most_linked,
        "shape": graph.shape,
    }


@pytest.mark.parametrize(
    "rebuild_share", [knowledge._REBUILD_SHARE, 0], ids=["as shipped", "never rebuild"]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_reload_as_a_load_from_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, rebuild_share: int
) -> None:
    monkeypatch.setattr(knowledge, "_REBUILD_SHARE", rebuild_share)
    rng = random.Random(seed)
    folder = Folder(tmp_path / "kb", rng)
    for page_id in IDS:
        folder.put(f"p{rng.randrange(10**6)}.yaml", folder.a_page(page_id))
    reloader = Reloader(folder.root)
    done: list[str] = []
    for step in range(STEPS):
        done += [folder.edit() for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        result, graph = reloader.load(scan_folder(folder.root), DEMOS)
        expected = snapshot(*from_scratch(folder.root))
        assert snapshot(result, graph) == expected, f"step {step}, after: {done[-3:]}"
        folder.last = result
    kinds = {change.split()[0] for change in done}
    assert kinds >= {"add", "edit", "remove", "rename", "break", "tour", "record", "touch"}


def test_an_edit_touches_only_the_pages_it_changes(tmp_path: Path) -> None:
    """The graph after an edit shares every other page's node and links with
    the graph before (it was not rebuilt), and is still right."""
    rng = random.Random(7)
    folder = Folder(tmp_path / "kb", rng)
    for index, page_id in enumerate(IDS):
        folder.put(f"p{index}.yaml", folder.a_page(page_id))
    folder.put("p1.yaml", page(IDS[1], ("builds_on", IDS[0])))
    reloader = Reloader(folder.root)
    _, before = reloader.load(scan_folder(folder.root), DEMOS)
    folder.put("p0.yaml", page(IDS[0], title="Edited"))
    result, after = reloader.load(scan_folder(folder.root), DEMOS)
    assert snapshot(result, after) == snapshot(*from_scratch(folder.root))
    linked = [page_id for page_id in IDS[1:] if IDS[0] in before.nx.succ[page_id]]
    assert linked, "the edited page has links to it"
    for page_id in IDS[1:]:
        assert after._succ[page_id] is before._succ[page_id]
        assert after.page(page_id) is before.page(page_id)
    assert after._succ[IDS[0]] is not before._succ[IDS[0]]
    assert after.page(IDS[0]).title == "Edited"


def test_a_copied_folder_reloads_under_another_reloader(tmp_path: Path) -> None:
    """Two folders, two reloaders: what one keeps never leaks into the other."""
    rng = random.Random(11)
    first = Folder(tmp_path / "one", rng)
    for index in range(10):
        first.put(f"p{index}.yaml", first.a_page())
    shutil.copytree(first.root, tmp_path / "two")
    one, two = Reloader(first.root), Reloader(tmp_path / "two")
    one.load(scan_folder(first.root), DEMOS)
    two.load(scan_folder(tmp_path / "two"), DEMOS)
    for _ in range(20):
        first.edit()
        result, graph = one.load(scan_folder(first.root), DEMOS)
        assert snapshot(result, graph) == snapshot(*from_scratch(first.root))
        result, graph = two.load(scan_folder(tmp_path / "two"), DEMOS)
        assert snapshot(result, graph) == snapshot(*from_scratch(tmp_path / "two"))


def test_a_graph_of_any_pages_updates_as_built_from_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``KnowledgeGraph.updated`` on pages not checked across pages (links to
    pages that are not there, relations not in the table): a link left out
    comes in when its target is added, and goes when it is removed."""
    monkeypatch.setattr(knowledge, "_REBUILD_SHARE", 0)
    rng = random.Random(5)
    folder = Folder(Path("unused"), rng)
    variants = {
        page_id: [PAGE_ADAPTER.validate_python(folder.a_page(page_id)) for _ in range(3)]
        for page_id in IDS
    }
    graph = KnowledgeGraph({})
    for step in range(300):
        chosen = sorted(rng.sample(IDS, rng.randint(0, len(IDS))), key=IDS.index)
        if rng.random() < 0.1:
            rng.shuffle(chosen)
        pages = {page_id: rng.choice(variants[page_id][: rng.choice([1, 3])]) for page_id in chosen}
        graph.most_linked, graph.shape, graph.link_count  # noqa: B018 (kept up to date from here)
        graph = graph.updated(pages)
        fresh = KnowledgeGraph(pages)
        assert graph.nx.graph == fresh.nx.graph
        empty = LoadResult(Path("unused"))
        assert snapshot(empty, graph) == snapshot(empty, fresh), f"step {step}"
