"""A tour as a Markdown hand-out: the steps in order, each with its page's
overview, the presenter's note and the check question with its answer.

Tour and page text is untrusted. Titles and other one-line strings are
escaped so they show as typed; notes, overviews and explanations stay
Markdown (their emphasis and code matter), rewritten by
``kb.markdown.safe_markdown`` under the same rules as the app's panel: only
web links, images as links, bounded math, raw HTML as text.
"""

from __future__ import annotations

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import escape_markdown, safe_markdown
from heuristica.kb.model import Question, Tour
from heuristica.kb.text import title_markdown

__all__ = ["tour_markdown"]


def tour_markdown(tour: Tour, kg: KnowledgeGraph) -> str:
    """The whole hand-out as one Markdown document."""
    lines = [
        f"# {escape_markdown(tour.title)}",
        "",
        f"**Audience:** {safe_markdown(tour.audience)}  ",
        f"**Time:** about {tour.estimated_minutes} minutes · **Steps:** {len(tour.steps)}",
        "",
    ]
    for number, step in enumerate(tour.steps, start=1):
        page = kg.page(step.page)
        lines += [
            f"## Step {number}. {title_markdown(page.title)}",
            "",
            f"*{page.page_type.label}* · `{page.id}`",
            "",
            "\n".join(f"> {line}".rstrip() for line in safe_markdown(page.overview).split("\n")),
            "",
            safe_markdown(step.note),
            "",
        ]
        if step.question is not None:
            lines += _question(step.question)
    return "\n".join(lines).rstrip() + "\n"


def _question(question: Question) -> list[str]:
    return [
        f"**Check:** {safe_markdown(question.prompt)}",
        "",
        *(f"- {escape_markdown(choice)}" for choice in question.choices),
        "",
        f"**Answer:** {escape_markdown(question.answer)}. {safe_markdown(question.explanation)}",
        "",
    ]
