"""Cross-council comparisons as data: the coverage matrix and the question tables.

Both come straight from the protocol files (topic tags and answers), so a new council's file
adds a column with no code change.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Answer, Clause, Library, Protocol, Question, Topic


@dataclass(frozen=True)
class CoverageRow:
    topic: Topic
    cells: tuple[tuple[Protocol, tuple[Clause, ...]], ...]  # empty tuple: the council says nothing


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    cells: tuple[tuple[Protocol, Answer], ...]


def clauses_on(protocol: Protocol, topic_id: str) -> tuple[Clause, ...]:
    return tuple(c for c in protocol.current.clauses() if topic_id in c.topics)


def _by_topic(protocol: Protocol) -> dict[str, tuple[Clause, ...]]:
    found: dict[str, list[Clause]] = {}
    for clause in protocol.current.clauses():
        for topic_id in clause.topics:
            found.setdefault(topic_id, []).append(clause)
    return {topic_id: tuple(clauses) for topic_id, clauses in found.items()}


def coverage(library: Library) -> tuple[CoverageRow, ...]:
    # One pass over each protocol's clauses, not one per topic: a 400-council library has 80,000.
    by_topic = [(p, _by_topic(p)) for p in library.protocols]
    return tuple(CoverageRow(topic, tuple((p, clauses.get(topic.id, ())) for p, clauses in by_topic))
                 for topic in library.topics)


def question_table(library: Library, topic: Topic) -> tuple[QuestionRow, ...]:
    return tuple(QuestionRow(q, tuple((p, p.answer(q.id) or Answer(q.id, None)) for p in library.protocols))
                 for q in topic.questions)
