"""The knowledge base's history in the app, on a scripted two-commit repository:
``?at=`` shows the knowledge as it was (read-only banner, Back to now, kept
across in-app links), a bad revision is said and now is shown, What changed
draws and lists a comparison, a page's panel lists its commits and each opens
its diff; on a folder outside git these say so and the explorer still works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.harness import running_app
from tests.e2e.locators import expect_panel_title, graph_frame, node_ids
from tests.git_repo import NEW, OLD, H, P, two_versions
from tests.kb import page as a_page
from tests.kb import write


@pytest.fixture(scope="module")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    repo = two_versions(tmp_path_factory.mktemp("history") / "team")
    with running_app(repo.kb) as url:
        yield url


@pytest.fixture(scope="module")
def no_git_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kb = tmp_path_factory.mktemp("no-git") / "knowledge"
    write(kb, f"{H}.yaml", a_page(H, title="Use spawn, not fork"))
    with running_app(kb) as url:
        yield url


def _banner(page: Page) -> Locator:
    return page.locator("[data-testid='stAlert']").filter(has_text="Read-only:")


def _alert(page: Page, text: str) -> Locator:
    return page.locator("[data-testid='stAlert']").filter(has_text=text)


def test_at_a_tag_shows_the_knowledge_then_read_only_until_back_to_now(
    page: Page, history_url: str
) -> None:
    page.goto(f"{history_url}/?at=v1&node={P}")
    expect(_banner(page)).to_contain_text("as it was at")
    expect(_banner(page)).to_contain_text("(First pages)")
    frame = graph_frame(page)
    assert OLD in node_ids(frame) and NEW not in node_ids(frame)
    page.get_by_role("button", name="Back to now").click()
    expect(_banner(page)).to_have_count(0)
    assert "at=" not in page.url
    frame = graph_frame(page)
    expect(page.get_by_text("Cap native threads in workers").first).to_be_visible()
    assert NEW in node_ids(frame) and OLD not in node_ids(frame)


def test_the_revision_stays_when_a_link_inside_the_app_drops_it(
    page: Page, history_url: str
) -> None:
    page.goto(f"{history_url}/?at=v1")
    expect(_banner(page)).to_be_visible()
    page.get_by_role("link", name="Browse").click()
    expect(page.get_by_role("heading", name="Browse")).to_be_visible()
    expect(_banner(page)).to_be_visible()
    page.wait_for_function("() => location.search.includes('at=v1')")


def test_a_revision_git_does_not_know_is_said_and_now_is_shown(
    page: Page, history_url: str
) -> None:
    page.goto(f"{history_url}/?at=no-such-tag&node={P}")
    expect(_alert(page, "Cannot show the knowledge base at")).to_contain_text(
        "unknown revision 'no-such-tag'"
    )
    assert NEW in node_ids(graph_frame(page))


def test_what_changed_draws_and_lists_the_changes_with_links_to_each_side(
    page: Page, history_url: str
) -> None:
    page.goto(f"{history_url}/changes?base=v1&head=working-tree")
    expect(page.get_by_text("pages: 1 added, 1 removed, 2 changed")).to_be_visible()
    drawing = page.frame_locator("iframe[title='st.iframe']").first
    expect(drawing.locator("#legend")).to_contain_text("Page removed")
    added = page.get_by_role("link", name="after").first
    expect(added).to_have_attribute("href", f"./?node={NEW.replace('/', '%2F')}")
    removed = page.locator("a", has_text="before").first
    assert "at=" in (removed.get_attribute("href") or "")
    expect(page.locator("code", has_text=NEW).first).to_have_text(NEW)  # shown as written


def test_a_pages_history_lists_its_commits_and_each_opens_what_it_did_to_the_page(
    page: Page, history_url: str
) -> None:
    commits = (
        ("Replace old advice with thread caps", "pages: 1 changed"),
        ("First pages", "pages: 1 added"),
    )
    for subject, said in commits:
        page.goto(f"{history_url}/?node={H}")
        expect_panel_title(page, "Use spawn, not fork")
        page.get_by_text("History", exact=True).click()
        expect(page.get_by_text(re.compile(r"^2026-11-0\d · Ada Author · "))).to_have_count(2)
        page.get_by_role("link", name=subject).click()
        expect(page.get_by_role("heading", name="What changed")).to_be_visible()
        expect(page.get_by_text(f"Only what changed for {H}.")).to_be_visible()
        expect(page.locator("strong", has_text=re.compile(f"^{said}[.;]"))).to_be_visible()
        page.get_by_role("button", name="Show every change").click()
        expect(page.get_by_text(f"Only what changed for {H}.")).to_have_count(0)


def test_a_pages_history_at_a_revision_lists_the_commits_up_to_it(
    page: Page, history_url: str
) -> None:
    page.goto(f"{history_url}/?at=v1&node={H}")
    expect_panel_title(page, "Use spawn, not fork")
    page.get_by_text("History", exact=True).click()
    expect(page.get_by_text("Up to ")).to_contain_text("(First pages), the revision shown.")
    expect(page.get_by_text(re.compile(r"^2026-11-0\d · Ada Author · "))).to_have_count(1)
    expect(page.get_by_role("link", name="First pages")).to_be_visible()
    expect(page.get_by_role("link", name="Replace old advice with thread caps")).to_have_count(0)


def test_outside_git_the_history_says_so_and_the_explorer_works(
    page: Page, no_git_url: str, tmp_path: Path
) -> None:
    page.goto(f"{no_git_url}/changes")
    expect(page.get_by_text("its folder is not in a git repository")).to_be_visible()
    page.goto(f"{no_git_url}/?at=v1&node={H}")
    expect(_alert(page, "Cannot show the knowledge base at")).to_contain_text(
        "not in a git repository"
    )
    expect_panel_title(page, "Use spawn, not fork")
