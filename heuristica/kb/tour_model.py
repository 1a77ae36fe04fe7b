"""Tours: ordered walks through pages for an onboarding session, each step
with a note and, if it likes, a check question."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from heuristica.kb.fields import SLUG, Line, PageId, Strict, Text

__all__ = ["TOUR_ID_PATTERN", "Question", "Tour", "TourStep"]

TOUR_ID_PATTERN = rf"^{SLUG}$"
TourId = Annotated[str, StringConstraints(pattern=TOUR_ID_PATTERN)]


class Question(Strict):
    """A check question; ``answer`` is one of ``choices``, word for word."""

    prompt: Text
    choices: list[Line] = Field(min_length=2)
    answer: Line
    explanation: Text


class TourStep(Strict):
    page: PageId
    note: Text
    question: Question | None = None


class Tour(Strict):
    """An ordered walk through pages, for an onboarding session."""

    id: TourId
    """URL-safe slug, e.g. ``why-fork-deadlocks``."""
    title: Line
    audience: Text
    estimated_minutes: int = Field(ge=1, le=600)
    steps: list[TourStep] = Field(min_length=1)
