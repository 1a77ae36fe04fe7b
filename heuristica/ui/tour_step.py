"""One step of a tour on screen: its note, its check question and the page.

A wrong answer does not give the right one away: the reader is told it is
not it and may try again, or ask for the answer. The verdict sits right
under the choices and also appears as a toast at the top of the window, so
it is in view wherever the question was on the screen.
"""

from __future__ import annotations

import streamlit as st

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import escape_markdown, safe_markdown
from heuristica.kb.model import Page, Question
from heuristica.kb.text import title_markdown
from heuristica.ui.panel import render_page

__all__ = ["check_question", "note", "whole_page"]


def note(text: str) -> None:
    with st.container(border=True):
        st.markdown(safe_markdown(text))


def check_question(question: Question, key: str) -> None:
    """The question as choices; ``key`` names this question's state."""
    revealed_key = f"{key}_revealed"
    revealed = bool(st.session_state.get(revealed_key))
    answer = st.radio(
        safe_markdown(question.prompt),
        question.choices,
        index=None,
        format_func=escape_markdown,
        key=key,
        on_change=_announce,
        args=(question, key),
    )
    explanation = safe_markdown(question.explanation)
    if answer == question.answer:
        st.success(f"**Right.** {explanation}", icon=":material/check_circle:")
    elif revealed:
        right = escape_markdown(question.answer)
        st.info(f"**The answer is “{right}”.** {explanation}", icon=":material/lightbulb:")
    elif answer is not None:
        st.error(
            f"**Not quite:** “{escape_markdown(answer)}” is not it. Try another answer.",
            icon=":material/replay:",
        )
        st.button(
            "Show the answer",
            key=f"{key}_reveal",
            icon=":material/visibility:",
            on_click=st.session_state.__setitem__,
            args=(revealed_key, True),
        )


def _announce(question: Question, key: str) -> None:
    answer = st.session_state.get(key)
    if answer is None:
        return
    if answer == question.answer:
        st.toast("Right: the explanation is under the question.", icon=":material/check_circle:")
    else:
        st.toast("Not quite: try another answer.", icon=":material/replay:")


def whole_page(page: Page, kg: KnowledgeGraph) -> None:
    """The step's whole page, drawn only when the reader asks for it (it is
    long, and every follower's page is redrawn at every step)."""
    if st.toggle(f"Show the whole page: {title_markdown(page.title)}", key="tour_whole_page"):
        with st.container(border=True):
            render_page(page, kg)
