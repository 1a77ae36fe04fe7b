"""compose.yaml and docs/deploy.md: the app wired to Redis, and every
environment variable the code reads documented (Docker cannot run here, so
the file's shape is what is checked)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CODE_FOLDERS = ("graph", "ui", "pages", "demos", "tours", "heuristica")


def documented_variables() -> set[str]:
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(HEURISTICA_[A-Z_]+)` \|", text, re.MULTILINE))


def test_every_environment_variable_the_code_reads_is_documented():
    read = set()
    for folder in CODE_FOLDERS:
        for path in (REPO / folder).glob("**/*.py"):
            read |= set(re.findall(r"\"(HEURISTICA_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert read, "the code reads its settings from HEURISTICA_* variables"
    assert read <= documented_variables()


def test_compose_runs_the_app_on_one_redis_with_documented_settings():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"app", "redis", "balancer"}
    app = services["app"]
    assert app["environment"]["HEURISTICA_REDIS_URL"] == "redis://redis:6379/0"
    assert set(app["environment"]) <= documented_variables()
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "streamlit run app.py" in " ".join(app["command"])
    assert "8501" in app["expose"] and "ports" not in app, "reached through the load balancer"
    assert services["redis"]["image"].startswith("redis:")
    balancer = services["balancer"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in balancer["volumes"]
    assert balancer["depends_on"]["app"]["condition"] == "service_healthy"
