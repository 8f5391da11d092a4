"""Cross-council comparisons as data: the coverage matrix, the question tables, one council beside
another, and one protocol reviewed against the rest.

Everything reads each protocol's version in force (the latest version where none is in force):
answers and topic tags belong to a version, so recording a proposal never re-targets a comparison.
A new council's file adds a column with no code change.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
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


# --- One protocol reviewed against the rest ----------------------------------------------------------


@dataclass(frozen=True)
class TopicGap:
    """A topic most other protocols address that this one does not (or, for a partial text, may not)."""

    topic: Topic
    state: Coverage  # not-addressed | not-known
    others_addressing: int
    others: int  # other protocols whose text is known on the topic


@dataclass(frozen=True)
class Difference:
    """A question on which this protocol's answer differs from the answer most others give."""

    question: Question
    mine: AnswerCell
    usual_value: str
    usual_count: int  # how many of the others give usual_value
    others: int  # other protocols whose answer is known
    examples: tuple[AnswerCell, ...]  # a few of the others that give it, with their own words


@dataclass(frozen=True)
class ReviewDue:
    """When the version was last reviewed and when its own rule says the next review falls due."""

    last_reviewed: str | None  # partial ISO date
    in_force_since: str | None
    every_months: int | None
    due: str | None  # partial ISO date: printed as the next review date, or last review + interval
    overdue: bool | None  # None when the protocol sets no review date or interval


@dataclass(frozen=True)
class Review:
    protocol: Protocol
    version: ProtocolVersion
    others: int
    gaps: tuple[TopicGap, ...]
    differences: tuple[Difference, ...]
    untagged: tuple[Clause, ...]  # clauses in force that no topic names
    due: ReviewDue


def add_months(partial_date: str, months: int) -> str:
    """'2018-05' + 12 -> '2019-05'; keeps the precision it is given (a bare year adds whole years)."""
    parts = partial_date.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return str(year + -(-months // 12))
    month = int(parts[1]) - 1 + months
    shifted = f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return shifted + (f"-{min(int(parts[2]), 28):02d}" if len(parts) == 3 else "")


def review_due(version: ProtocolVersion, today: date) -> ReviewDue:
    control = version.document_control
    # The printed review date first: a review_history entry may record a meeting that did not
    # review the text (the Borough's 2017 breach hearing).
    last = control.reviewed or max((entry.date for entry in control.review_history), default=None)
    since = control.adopted or control.published or version.date
    due = control.next_review
    start = last or since
    if due is None and control.review_every_months and start:
        due = add_months(start, control.review_every_months)
    # A partial date is due at the end of its month or year: compare at its own precision.
    overdue = due < today.isoformat()[: len(due)] if due else None
    return ReviewDue(last, since, control.review_every_months, due, overdue)


class ReviewIndex:
    """What every protocol's version in force says, counted once, so that each of hundreds of
    review pages compares one protocol with the rest without another pass over the library."""

    EXAMPLES = 2

    def __init__(self, library: Library):
        self.library = library
        self.compared = {p.id: compared_version(p) for p in library.protocols}
        self.rows = coverage(library)
        self.addressing = {row.topic.id: sum(1 for c in row.cells if c.state == "addressed") for row in self.rows}
        self.unknown = {row.topic.id: sum(1 for c in row.cells if c.state == "not-known") for row in self.rows}
        self.values: dict[str, Counter] = {}
        self.examples: dict[tuple[str, str], list[AnswerCell]] = {}
        for protocol in library.protocols:
            version = self.compared[protocol.id]
            for question in library.questions:
                answer = version.answer(question.id)
                self.values.setdefault(question.id, Counter())[answer.value] += 1
                kept = self.examples.setdefault((question.id, answer.value), [])
                if len(kept) <= self.EXAMPLES:  # one spare: the reviewed protocol may be among them
                    kept.append(AnswerCell(protocol, version, answer))

    def review(self, protocol: Protocol, today: date) -> Review:
        version = self.compared[protocol.id]
        others = len(self.library.protocols) - 1
        own_clauses = _by_topic(version)
        gaps = []
        for row in self.rows:
            if row.topic.id in own_clauses:
                continue
            addressing = self.addressing[row.topic.id]  # this protocol is not among them
            state: Coverage = "not-addressed" if version.complete else "not-known"
            # "Most others" counts only protocols whose text is known on the topic.
            known = others - self.unknown[row.topic.id] + (state == "not-known")
            if addressing * 2 > known:
                gaps.append(TopicGap(row.topic, state, addressing, known))
        differences = []
        for question in self.library.questions:
            mine = AnswerCell(protocol, version, version.answer(question.id))
            if mine.answer.value == "not-known":
                continue  # a partial text: whether it differs is not known
            counts = self.values[question.id].copy()
            counts[mine.answer.value] -= 1
            del counts["not-known"]  # "most others" counts only protocols whose text is known
            known = sum(counts.values())
            usual, count = max(counts.items(), key=lambda item: item[1], default=(None, 0))
            if usual is not None and usual != mine.answer.value and count * 2 > known:
                examples = tuple(c for c in self.examples[(question.id, usual)]
                                 if c.protocol.id != protocol.id)[: self.EXAMPLES]
                differences.append(Difference(question, mine, usual, count, known, examples))
        untagged = tuple(c for c in version.clauses() if not c.topics)
        return Review(protocol, version, others, tuple(gaps), tuple(differences), untagged,
                      review_due(version, today))


def review(library: Library, protocol: Protocol, today: date) -> Review:
    return ReviewIndex(library).review(protocol, today)
