"""The verification badge and a check's last result in the real app, in Chromium,
over a copy of the verify fixture verified and recorded for real."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from heuristica.commands.cli import main
from tests.e2e.harness import REPO, running_app

FIXTURE = REPO / "tests" / "fixtures" / "verify_kb"


@pytest.fixture(scope="module")
def verified_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    knowledge = tmp_path_factory.mktemp("verified") / "kb"
    shutil.copytree(FIXTURE, knowledge)
    assert main(["verify", str(knowledge), "--record"]) == 1  # one check fails on purpose
    with running_app(knowledge) as url:
        yield url


FIRST_LOAD_MS = 60_000
"""The first page of a fresh server on a busy machine can take a while."""


def open_page(page: Page, url: str, node: str) -> None:
    page.goto(f"{url}/?node={node}")
    expect(page.get_by_text("Checks", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)


def test_the_panel_badge_says_how_many_checks_fail_where_and_when(
    page: Page, verified_url: str
) -> None:
    open_page(page, verified_url, "heuristic/prefer-spawn")

    badge = page.get_by_text("1 of 3 checks fails on CPython")
    expect(badge).to_be_visible()


def test_a_failing_check_opens_to_its_claim_expected_and_seen(
    page: Page, verified_url: str
) -> None:
    open_page(page, verified_url, "heuristic/prefer-spawn")

    page.locator("summary", has_text="arithmetic-fails · fails").click(timeout=FIRST_LOAD_MS)

    expect(page.get_by_text("Two and two make five.")).to_be_visible()
    expect(page.locator("code", has_text="exit status 0, the line 'sum=5'")).to_be_visible()
    expect(page.locator("code", has_text="sum=4")).to_be_visible()
    expect(page.get_by_text("never printed 'sum=5'")).to_be_visible()
