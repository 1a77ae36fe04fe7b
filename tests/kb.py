"""Build small knowledge bases for tests: valid pages as YAML text, written
into a folder."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SECTIONS: dict[str, dict[str, Any]] = {
    "principle": {"theoretical_basis": "If $p$ threads hold locks, fork copies $p$ locks."},
    "implementation": {
        "code_reference": {
            "repository": "https://github.com/python/cpython",
            "file": "Lib/multiprocessing/context.py",
            "signature": "def get_context(method=None)",
            "import": "import multiprocessing",
        },
        "io_contract": {
            "inputs": [{"name": "method", "type": "str", "description": "start method"}],
            "outputs": [{"name": "ctx", "type": "BaseContext", "description": "a context"}],
        },
        "usage_examples": [{"title": "Spawn", "code": "ctx = get_context('spawn')"}],
    },
    "heuristic": {
        "insight": {"action": "Use spawn.", "value": "No hang.", "trade_off": "Slower start."},
        "reasoning": "Fork copies one thread.",
    },
    "environment": {
        "system_requirements": [{"name": "OS", "requirement": "Linux"}],
        "dependencies": [{"name": "polars", "version": ">=1"}],
        "credentials": "None.",
        "quick_install": "pip install polars",
        "common_errors": [{"error": "RuntimeError", "cause": "c", "fix": "f"}],
        "compatibility_notes": "All platforms.",
    },
}


def page(page_id: str, *links: tuple[str, str], **fields: Any) -> dict[str, Any]:
    """A valid page with id ``<type>/<slug>``, links as (relation, target) pairs."""
    page_type = page_id.split("/")[0]
    data: dict[str, Any] = {
        "type": page_type,
        "id": page_id,
        "title": fields.pop("title", page_id.split("/")[1].replace("-", " ").title()),
        "domains": ["Debugging"],
        "last_updated": "2026-11-25",
        "sources": [{"title": "Docs", "url": "https://docs.python.org/3/", "kind": "doc"}],
        "overview": "Overview.",
        "description": "Description.",
        "usage": "Usage.",
        **copy.deepcopy(SECTIONS[page_type]),
    }
    if links:
        data["links"] = [{"relation": r, "to": t} for r, t in links]
    data.update(fields)
    return data


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write(root: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    """Write one file below ``root``; a dict is dumped as YAML."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = dump(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path
