"""deploy/nginx.conf in front of two app servers on a real redis-server, in
chromium: a follower's server is killed and its browser, reconnecting by
itself through nginx, lands on the other server, on the presenter's step,
the same follower with its answer.

The test runs the shipped configuration with its upstream pointed at this
test's servers, the second as ``backup`` instead of ``ip_hash`` (every
browser here comes from 127.0.0.1: the hash would put them all on one
unknown server), and its listen port, logs and temporary files moved to a
free port and a scratch folder."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIXTURE_KB
from tests.e2e.harness import REPO, _free_port, _wait_healthy, app_server
from tests.e2e.test_shared_servers import present_on, redis, servers
from tests.e2e.test_tour_live import DEADLINE_MS, click, expect_step, new_page
from tests.e2e.test_tour_room import answer, expect_choice, expect_glance
from tests.redis_server import RedisServer

__all__ = ["new_page", "redis", "servers"]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM = re.compile(r"server app:8501[^;]*;")


def nginx_conf(shipped: str, upstreams: tuple[str, str], port: int, scratch: Path) -> str:
    first, second = (u.removeprefix("http://") for u in upstreams)
    conf, found = UPSTREAM.subn(
        f"server {first} max_fails=1 fail_timeout=10s; server {second} backup;", shipped
    )
    assert found == 1, "deploy/nginx.conf names its upstream as `server app:8501 …;`"
    conf = conf.replace("ip_hash;", "")
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    temp = "".join(
        f"    {kind}_temp_path {scratch / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        conf.replace("http {\n", f"http {{\n    access_log off;\n{temp}", 1)
        + f"pid {scratch / 'nginx.pid'};\n"
    )


@pytest.fixture
def balanced(redis: RedisServer, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """nginx's URL and the process of the server it sends everyone to first."""
    env = {"HEURISTICA_REDIS_URL": redis.url}
    with app_server(FIXTURE_KB, env=env) as front, app_server(FIXTURE_KB, env=env) as spare:
        port = _free_port()
        conf = tmp_path / "nginx.conf"
        shipped = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        conf.write_text(nginx_conf(shipped, (front.url, spare.url), port, tmp_path))
        nginx = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(tmp_path),
                "-e",
                str(tmp_path / "error.log"),
                "-c",
                str(conf),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, nginx)
            yield url, front.process
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


def test_a_follower_whose_server_dies_reconnects_through_nginx_on_the_step_with_its_answer(
    servers: tuple[str, str],
    balanced: tuple[str, subprocess.Popen[bytes]],
    new_page: Callable[[], Page],
):
    first, _ = servers
    url, front = balanced
    presenter, follower = new_page(), new_page()
    code = present_on(presenter, first)
    follower.goto(f"{url}/tour?follow={code}")
    expect(follower.get_by_text(f"Following session {code} live.")).to_be_visible()
    answer(follower, "fork")
    expect_choice(presenter, "fork", 1)

    front.send_signal(signal.SIGKILL)
    front.wait()
    killed = time.monotonic()
    click(presenter, "Next")
    expect_step(presenter, 2)
    expect_step(follower, 2)  # no reload: Streamlit's own reconnect, through nginx
    print(f"on the presenter's step {time.monotonic() - killed:.1f} s after its server died")
    click(presenter, "Previous")
    expect_step(follower, 1)
    expect(follower.get_by_role("radio", name="fork")).to_be_checked(timeout=DEADLINE_MS)
    expect_glance(presenter, 1, 1, 0, 0)
