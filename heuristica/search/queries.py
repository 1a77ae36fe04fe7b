"""The tantivy queries a search asks: the pages with a query's words, each
column weighted (BM25 per column, boosted), and the query as written."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import tantivy
from tantivy import Occur, Query

from heuristica.kb.relations import PageType
from heuristica.search.query import Terms
from heuristica.search.text import COLUMNS

__all__ = ["WEIGHTS", "having", "ranking"]

WEIGHTS = {"title": 4.0, "domains": 2.0, "overview": 2.0, "headings": 1.5, "body": 1.0}
"""How much a match counts per column: title above overview above body. (A
title weighed 8 let two title words outrank a page whose sentence says what
was asked.)"""


def ranking(
    schema: tantivy.Schema, looked_for: Terms, types: Collection[PageType], every_word: bool
) -> Query:
    """The pages with any (``every_word``: every) word looked for, of
    ``types`` if any are named, ranked by the words they have, where."""
    each_word = Occur.Must if every_word else Occur.Should
    clauses = [(each_word, _any_of(schema, group)) for group in looked_for.groups]
    if looked_for.phrase:
        clauses.append((Occur.Should, _as_written(schema, looked_for.phrase)))
    query = Query.boolean_query(clauses)
    if not types:
        return query
    of_type = Query.boolean_query(
        [(Occur.Should, Query.term_query(schema, "type", t.value)) for t in types]
    )
    return Query.boolean_query(
        [(Occur.Must, query), (Occur.Must, Query.const_score_query(of_type, 0.0))]
    )


def _any_of(schema: tantivy.Schema, group: Sequence[str]) -> Query:
    return Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(Query.term_query(schema, column, term), weight))
            for term in group
            for column, weight in WEIGHTS.items()
        ]
    )


def _as_written(schema: tantivy.Schema, phrase: Sequence[str]) -> Query:
    return Query.boolean_query(
        [
            (
                Occur.Should,
                Query.boost_query(Query.phrase_query(schema, column, list(phrase)), weight),
            )
            for column, weight in WEIGHTS.items()
            if column != "domains"
        ]
    )


def having(schema: tantivy.Schema, term: str) -> Query:
    """Pages with ``term`` in any column."""
    return Query.boolean_query(
        [(Occur.Should, Query.term_query(schema, column, term)) for column in COLUMNS]
    )
