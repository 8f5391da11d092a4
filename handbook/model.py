"""The protocol library's objects: plain, immutable dataclasses built from validated YAML.

Nothing here knows about files, mkdocs or Flask; `load.py` builds these, everything else reads them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Iterator, Union


@dataclass(frozen=True)
class Question:
    id: str  # "<topic-id>.<question-id>", the key protocol files answer under
    topic_id: str
    text: str


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    definition: str
    questions: tuple[Question, ...] = ()


# --- Blocks: the pieces a clause's content is made of -------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    text: str
    label: str | None = None
    content: tuple["Block", ...] = ()


@dataclass(frozen=True)
class ListBlock:
    style: str  # bullet | lettered | numbered | roman | tick
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Quote:
    text: str


@dataclass(frozen=True)
class Note:
    """A note printed in the source itself (e.g. "NB ..."); part of the protocol's text."""

    text: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], ...], ...]  # each cell is a tuple of printed lines
    caption: str | None = None


Block = Union[Paragraph, ListBlock, Quote, Note, Table]


# --- Structure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    id: str
    number: str | None
    content: tuple[Block, ...]
    topics: tuple[str, ...] = ()
    title: str | None = None
    number_printed: bool = True
    editorial_notes: tuple[str, ...] = ()
    topics_suggested: tuple[str, ...] = ()  # proposed by `handbook import`, not yet confirmed

    @property
    def display_number(self) -> str | None:
        """The number as a reader should see it: bracketed where the source omits it."""
        if self.number is None:
            return None
        return self.number if self.number_printed else f"[{self.number}]"


@dataclass(frozen=True)
class Subheading:
    heading: str


@dataclass(frozen=True)
class Section:
    id: str
    number: str | None
    title: str
    items: tuple[Union[Clause, Subheading], ...]
    editorial_notes: tuple[str, ...] = ()

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(item for item in self.items if isinstance(item, Clause))


@dataclass(frozen=True)
class Signature:
    statements: tuple[str, ...]
    fields: tuple[str, ...]
    title: str | None = None


@dataclass(frozen=True)
class ReviewEntry:
    date: str
    version_label: str | None = None
    body: str | None = None
    reason: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class DocumentControl:
    title: str | None = None
    version_label: str | None = None
    published: str | None = None
    adopted: str | None = None
    reviewed: str | None = None
    next_review: str | None = None
    review_every_months: int | None = None  # the review interval the source states, if any
    owner: str | None = None
    author: str | None = None
    applies_to: str | None = None
    related_documents: tuple[str, ...] = ()
    status: str | None = None  # guidance | binding | not-stated
    review_history: tuple[ReviewEntry, ...] = ()
    fields_printed_blank: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revision:
    """How a version came about, where a source records it (e.g. a committee report)."""

    date: str
    body: str | None = None
    title: str | None = None
    report_of: str | None = None
    author: str | None = None
    wards_affected: str | None = None
    summary: str | None = None
    decision_required: str | None = None
    reasons: tuple[str, ...] = ()
    report: tuple[Section, ...] = ()


SIGNATURE_ID = "signature"  # what an answer cites for a version's signature block (its anchor on the page)
ANSWER_VALUES = ("yes", "no", "conditional", "not-addressed", "not-known")
SILENT_VALUES = ("not-addressed", "not-known")  # no clause to cite: the text is silent or not known


@dataclass(frozen=True)
class Answer:
    """The handbook's answer to one comparison question for one version of a protocol."""

    question_id: str
    value: str  # one of ANSWER_VALUES: the short form a question table is scanned by
    text: str | None = None  # one plain-English sentence, the handbook's words (None: none given)
    clause_ids: tuple[str, ...] = ()  # clauses of the same version the answer rests on

    @property
    def addressed(self) -> bool:
        return self.value not in SILENT_VALUES


@dataclass(frozen=True)
class ProtocolVersion:
    id: str
    label: str
    complete: bool
    document_control: DocumentControl
    sections: tuple[Section, ...]
    date: str | None = None
    stage: str = "adopted"  # adopted | proposed | withdrawn | unknown: data, as the source records it
    completeness_note: str | None = None
    revision: Revision | None = None
    signature: Signature | None = None
    editorial_notes: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()  # empty for a superseded version the handbook did not answer for

    def clauses(self) -> Iterator[Clause]:
        for section in self.sections:
            yield from section.clauses

    @cached_property
    def _by_id(self) -> dict[str, tuple[Section, Clause]]:
        # Built on first lookup: pages, comparisons and citations look clauses up by id thousands
        # of times in a large build. (cached_property writes the instance __dict__, so it works on
        # a frozen dataclass and leaves equality and hashing alone.)
        return {c.id: (s, c) for s in self.sections for c in s.clauses}

    def clause(self, clause_id: str) -> Clause | None:
        found = self._by_id.get(clause_id)
        return found[1] if found else None

    def section_of(self, clause_id: str) -> Section | None:
        found = self._by_id.get(clause_id)
        return found[0] if found else None

    @cached_property
    def signature_clause(self) -> Clause | None:
        """The signature block as a citable clause (id SIGNATURE_ID), so an answer about signing
        can cite and quote the statement a signatory makes; None where the source prints none."""
        if self.signature is None:
            return None
        return Clause(id=SIGNATURE_ID, number=None, title=self.signature.title or "Signature block",
                      content=tuple(Paragraph(s) for s in self.signature.statements), topics=("acknowledgement",))

    def cited(self, clause_id: str) -> Clause | None:
        """What an answer's citation names: a clause, or the signature block."""
        return self.signature_clause if clause_id == SIGNATURE_ID else self.clause(clause_id)

    @cached_property
    def _answers(self) -> dict[str, Answer]:
        return {a.question_id: a for a in self.answers}

    def answer(self, question_id: str) -> Answer:
        """This version's answer; a version without one (a superseded version the handbook did not
        answer for) says "not known" rather than guessing from another version."""
        return self._answers.get(question_id) or Answer(question_id, "not-known")


@dataclass(frozen=True)
class Council:
    id: str
    name: str | None
    type: str
    short_name: str | None = None

    @property
    def display_name(self) -> str:
        """The council's name for readers: its full name, else its short name, else what the source says
        it is ("An unnamed borough council"); never the file's id."""
        if self.name or self.short_name:
            return self.name or self.short_name  # type: ignore[return-value]
        kind = "" if self.type == "unknown" else self.type.replace("-", " ") + " "
        return f"An unnamed {kind}council"


@dataclass(frozen=True)
class SourcePage:
    """One web page of a source published as pages (often one per section)."""

    url: str
    retrieved: str  # the page date: when it was read
    title: str | None = None
    file: str | None = None  # a saved copy, relative to protocols/sources/
    section_ids: tuple[str, ...] = ()


class Standing(StrEnum):
    """What a version is to a reader today, computed by `Protocol.standing` from the versions' stages
    and order (the data records only each version's stage)."""

    IN_FORCE = "in-force"
    SUPERSEDED = "superseded"
    PROPOSED = "proposed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"in-force": "In force", "superseded": "Superseded", "proposed": "Proposed",
                "withdrawn": "Withdrawn"}[self.value]


@dataclass(frozen=True)
class Protocol:
    council: Council
    title: str
    source_file: str | None
    versions: tuple[ProtocolVersion, ...]
    subtitle: str | None = None
    editorial_notes: tuple[str, ...] = ()
    path: str | None = field(default=None, compare=False)
    short_title: str | None = None  # for citations
    source_pages: tuple[SourcePage, ...] = ()

    @property
    def citation_title(self) -> str:
        return self.short_title or self.title

    @property
    def topics_unreviewed(self) -> bool:
        """True while any clause carries topics suggested by the importer that nobody confirmed."""
        return any(c.topics_suggested for v in self.versions for c in v.clauses())

    @property
    def id(self) -> str:
        return self.council.id

    @property
    def latest(self) -> ProtocolVersion:
        """The last version listed, whatever its standing (it may be a proposal)."""
        return self.versions[-1]

    @cached_property
    def in_force(self) -> ProtocolVersion | None:
        """The version in force: the last one adopted (and not withdrawn), or None if none is."""
        return next((v for v in reversed(self.versions) if v.stage == "adopted"), None)

    @property
    def default_version(self) -> ProtocolVersion:
        """The version a reader is shown when none is named: the one in force, else the latest."""
        return self.in_force or self.latest

    def standing(self, version: ProtocolVersion) -> Standing:
        """In force (the last adopted version), superseded (adopted, or of unknown stage, before the
        one in force), proposed (proposed; or of unknown stage and not followed by an adopted
        version, so not known to have been adopted) or withdrawn."""
        if version.stage == "withdrawn":
            return Standing.WITHDRAWN
        in_force = self.in_force
        if version is in_force:
            return Standing.IN_FORCE
        if version.stage == "proposed":
            return Standing.PROPOSED
        if in_force is not None and self.versions.index(version) < self.versions.index(in_force):
            return Standing.SUPERSEDED
        return Standing.PROPOSED

    def superseded_by(self, version: ProtocolVersion) -> ProtocolVersion | None:
        """The adopted version that replaced `version`, for a superseded one (its date ends `version`'s time in force)."""
        if self.standing(version) is not Standing.SUPERSEDED:
            return None
        later = self.versions[self.versions.index(version) + 1:]
        return next((v for v in later if v.stage == "adopted"), None)

    def version(self, version_id: str | None = None) -> ProtocolVersion:
        """The version with this id; with None, the default version (in force, else the latest)."""
        if version_id is None:
            return self.default_version
        for version in self.versions:
            if version.id == version_id:
                return version
        known = ", ".join(v.id for v in self.versions)
        raise KeyError(f"{self.id} has no version {version_id!r} (versions: {known})")

    def previous(self, version: ProtocolVersion) -> ProtocolVersion | None:
        index = self.versions.index(version)
        return self.versions[index - 1] if index > 0 else None


@dataclass(frozen=True)
class GlossaryTerm:
    """A role or body protocols refer to; `definition` is the handbook's own text, not a protocol's."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class VocabularyEntry:
    """One idea in the search vocabulary: the words protocols print for it, the words readers
    type for it, and the topics it belongs to. Index metadata, never protocol text."""

    id: str
    protocol_words: tuple[str, ...]
    reader_words: tuple[str, ...]
    topics: tuple[str, ...] = ()
    side: str | None = None  # "member", "officer" or "public" for words naming people (who does what to whom)


@dataclass(frozen=True)
class Library:
    protocols: tuple[Protocol, ...]
    topics: tuple[Topic, ...]
    glossary: tuple[GlossaryTerm, ...] = ()
    vocabulary: tuple[VocabularyEntry, ...] = ()

    def protocol(self, council_id: str) -> Protocol:
        for protocol in self.protocols:
            if protocol.id == council_id:
                return protocol
        known = ", ".join(p.id for p in self.protocols)
        raise KeyError(f"no protocol for council {council_id!r} (councils: {known})")

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for t in self.topics for q in t.questions)
