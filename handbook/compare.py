"""Cross-council comparisons as data: the coverage matrix, the question tables, one council beside
another, and one protocol reviewed against the rest.

Everything reads each protocol's version in force (the latest version where none is in force):
answers and topic tags belong to a version, so recording a proposal never re-targets a comparison.
A new council's file adds a column with no code change.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from .model import Answer, Clause, Library, Protocol, ProtocolVersion, Question, Topic

Coverage = Literal["addressed", "not-addressed", "not-known"]


def compared_version(protocol: Protocol) -> ProtocolVersion:
    """The version comparisons read: the one in force, else the latest listed."""
    return protocol.default_version


@dataclass(frozen=True)
class CoverageCell:
    protocol: Protocol
    version: ProtocolVersion
    clauses: tuple[Clause, ...]  # the version's clauses on the topic; empty when it has none

    @property
    def state(self) -> Coverage:
        """addressed (it has clauses on the topic), not-addressed (a complete text with none), or
        not-known (a partial text with none: the unknown rest may address it)."""
        if self.clauses:
            return "addressed"
        return "not-addressed" if self.version.complete else "not-known"


@dataclass(frozen=True)
class CoverageRow:
    topic: Topic
    cells: tuple[CoverageCell, ...]


@dataclass(frozen=True)
class AnswerCell:
    protocol: Protocol
    version: ProtocolVersion
    answer: Answer

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """The cited clauses themselves (the validator guarantees each is in this version)."""
        return tuple(c for c in map(self.version.cited, self.answer.clause_ids) if c is not None)


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    cells: tuple[AnswerCell, ...]


def clauses_on(version: ProtocolVersion, topic_id: str) -> tuple[Clause, ...]:
    return tuple(c for c in version.clauses() if topic_id in c.topics)


def _by_topic(version: ProtocolVersion) -> dict[str, tuple[Clause, ...]]:
    found: dict[str, list[Clause]] = {}
    for clause in version.clauses():
        for topic_id in clause.topics:
            found.setdefault(topic_id, []).append(clause)
    return {topic_id: tuple(clauses) for topic_id, clauses in found.items()}


def coverage_cell(protocol: Protocol, topic: Topic, version: ProtocolVersion | None = None) -> CoverageCell:
    version = version or compared_version(protocol)
    return CoverageCell(protocol, version, clauses_on(version, topic.id))


def coverage(library: Library) -> tuple[CoverageRow, ...]:
    # One pass over each protocol's clauses, not one per topic: a 400-council library has 80,000.
    compared = [(p, compared_version(p)) for p in library.protocols]
    by_topic = [(p, v, _by_topic(v)) for p, v in compared]
    return tuple(CoverageRow(topic, tuple(CoverageCell(p, v, clauses.get(topic.id, ())) for p, v, clauses in by_topic))
                 for topic in library.topics)


def answer_cell(protocol: Protocol, question: Question, version: ProtocolVersion | None = None) -> AnswerCell:
    version = version or compared_version(protocol)
    return AnswerCell(protocol, version, version.answer(question.id))


def question_table(library: Library, topic: Topic) -> tuple[QuestionRow, ...]:
    compared = [(p, compared_version(p)) for p in library.protocols]
    return tuple(QuestionRow(q, tuple(AnswerCell(p, v, v.answer(q.id)) for p, v in compared))
                 for q in topic.questions)
