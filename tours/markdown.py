"""A tour as a Markdown hand-out: the steps in order, each with its page's
overview, the presenter's note and the check question with its answer.

Tour and page text is untrusted. Titles and other one-line strings are
escaped so they show as typed; notes, overviews and explanations stay
Markdown (their emphasis and code matter), with links to script URLs
pointed away, raw HTML tags shown as text and images made links
(``graph.markdown.inert_markdown``).
"""

from __future__ import annotations

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.markdown import escape_markdown, inert_markdown
from heuristica.graph.model import Question, Tour

__all__ = ["tour_markdown"]


def tour_markdown(tour: Tour, kg: KnowledgeGraph) -> str:
    """The whole hand-out as one Markdown document."""
    lines = [
        f"# {escape_markdown(tour.title)}",
        "",
        f"**Audience:** {inert_markdown(tour.audience)}  ",
        f"**Time:** about {tour.estimated_minutes} minutes · **Steps:** {len(tour.steps)}",
        "",
    ]
    for number, step in enumerate(tour.steps, start=1):
        page = kg.page(step.page)
        lines += [
            f"## Step {number}. {escape_markdown(page.title)}",
            "",
            f"*{page.page_type.label}* · `{page.id}`",
            "",
            f"> {inert_markdown(page.overview)}".replace("\n", "\n> "),
            "",
            inert_markdown(step.note),
            "",
        ]
        if step.question is not None:
            lines += _question(step.question)
    return "\n".join(lines).rstrip() + "\n"


def _question(question: Question) -> list[str]:
    return [
        f"**Check:** {inert_markdown(question.prompt)}",
        "",
        *(f"- {escape_markdown(choice)}" for choice in question.choices),
        "",
        f"**Answer:** {escape_markdown(question.answer)}. {inert_markdown(question.explanation)}",
        "",
    ]
