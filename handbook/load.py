"""Protocol files -> validated model objects."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from .model import (Answer, Block, Clause, Council, DocumentControl, GlossaryTerm, Library, ListBlock, ListItem,
                    Note, Paragraph, Protocol, ProtocolVersion, Question, Quote, ReviewEntry,
                    Revision, Section, Signature, SourcePage, Subheading, Table, Topic,
                    VocabularyEntry)
from .source import Problem, SourceDocument, read_yaml
from .validate import (check_council_ids, check_glossary, check_protocol, check_topics, check_vocabulary,
                       topic_index)

TOPICS_FILE = "topics.yaml"
GLOSSARY_FILE = "glossary.yaml"  # optional: a library without one has an empty glossary
VOCABULARY_FILE = "vocabulary.yaml"  # optional: the search vocabulary (reader words -> protocol words, topics)


class InvalidLibrary(Exception):
    """The protocol files have problems; `problems` lists every one with its place."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def default_root() -> Path:
    """The protocols directory: $HANDBOOK_PROTOCOLS, else the repository's protocols/."""
    return Path(os.environ.get("HANDBOOK_PROTOCOLS") or Path(__file__).resolve().parent.parent / "protocols")


def protocol_paths(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.yaml") if p.name not in (TOPICS_FILE, GLOSSARY_FILE, VOCABULARY_FILE))


def check_files(paths: Iterable[Path], topics_path: Path, glossary_path: Path | None = None,
                vocabulary_path: Path | None = None, on_valid: Callable[[SourceDocument], None] | None = None,
                ) -> tuple[list[Problem], list[SourceDocument], SourceDocument]:
    """Validate topic, glossary, vocabulary and protocol files; every problem in every file, nothing raised.

    With `on_valid`, each valid protocol document is handed to it as soon as it is checked and only
    its council id is kept (in the returned documents): a library of thousands of councils is then
    never held as parsed YAML with every node's position all at once."""
    topics_doc = read_yaml(topics_path)
    problems = check_topics(topics_doc)
    topics = topic_index(topics_doc) if not problems else None
    if glossary_path is not None and glossary_path.exists():
        problems += check_glossary(read_yaml(glossary_path))
    if vocabulary_path is not None and vocabulary_path.exists():
        problems += check_vocabulary(read_yaml(vocabulary_path), topics)
    docs = []
    for path in paths:
        doc = read_yaml(path)
        file_problems = check_protocol(doc, topics)
        problems += file_problems
        if not file_problems:
            if on_valid is not None:
                on_valid(doc)
                doc = _council_id_only(doc)
            docs.append(doc)
    problems += check_council_ids(docs)
    return problems, docs, topics_doc


def _council_id_only(doc: SourceDocument) -> SourceDocument:
    """What check_council_ids needs of a document: its path, its council id and where that is."""
    where = ("council", "id")
    return SourceDocument(doc.path, {"council": {"id": doc.data["council"]["id"]}},
                          {where: doc.position(where)})


def load_library(root: str | Path | None = None) -> Library:
    root = Path(root) if root else default_root()
    glossary_path, vocabulary_path = root / GLOSSARY_FILE, root / VOCABULARY_FILE
    shared: dict[str, str] = {}
    protocols: list[Protocol] = []
    problems, _, topics_doc = check_files(
        protocol_paths(root), root / TOPICS_FILE, glossary_path, vocabulary_path,
        on_valid=lambda doc: protocols.append(build_protocol(share_strings(doc.data, shared), doc.path)))
    if problems:
        raise InvalidLibrary(problems)
    return Library(protocols=tuple(protocols),
                   topics=build_topics(topics_doc.data),
                   glossary=build_glossary(read_yaml(glossary_path).data) if glossary_path.exists() else (),
                   vocabulary=build_vocabulary(read_yaml(vocabulary_path).data) if vocabulary_path.exists() else ())


def share_strings(data, shared: dict[str, str]):
    """`data` with every string replaced by the first equal string seen (`shared`): councils that
    adopted the same (model) protocol hold its wording once, not once each; at thousands of
    councils the text was most of a site build's memory."""
    if isinstance(data, str):
        return shared.setdefault(data, data)
    if isinstance(data, dict):
        return {shared.setdefault(k, k) if isinstance(k, str) else k: share_strings(v, shared) for k, v in data.items()}
    if isinstance(data, list):
        return [share_strings(v, shared) for v in data]
    return data


# --- Builders: validated dicts -> model ------------------------------------------------------


def build_topics(data: dict) -> tuple[Topic, ...]:
    return tuple(
        Topic(id=t["id"], title=t["title"], definition=t["definition"],
              questions=tuple(Question(f"{t['id']}.{q['id']}", t["id"], q["text"]) for q in t.get("questions", [])))
        for t in data["topics"])


def build_glossary(data: dict) -> tuple[GlossaryTerm, ...]:
    return tuple(GlossaryTerm(id=t["id"], term=t["term"], definition=t["definition"],
                              aliases=tuple(t.get("aliases", ()))) for t in data["terms"])


def build_vocabulary(data: dict) -> tuple[VocabularyEntry, ...]:
    return tuple(VocabularyEntry(id=e["id"], protocol_words=tuple(e["protocol"]), reader_words=tuple(e["reader"]),
                                 topics=tuple(e.get("topics", ())), side=e.get("side")) for e in data["entries"])


def build_protocol(data: dict, path: str | None = None) -> Protocol:
    council = data["council"]
    return Protocol(
        council=Council(id=council["id"], name=council["name"], type=council["type"],
                        short_name=council.get("short_name")),
        title=data["title"],
        subtitle=data.get("subtitle"),
        short_title=data.get("short_title"),
        source_file=data["source"].get("file"),
        source_pages=tuple(SourcePage(url=p["url"], retrieved=p["retrieved"], title=p.get("title"),
                                      file=p.get("file"), section_ids=tuple(p.get("sections", ())))
                           for p in data["source"].get("pages", ())),
        editorial_notes=tuple(data.get("editorial_notes", ())),
        versions=tuple(build_version(v) for v in data["versions"]),
        path=path,
    )


def build_answer(question_id: str, value) -> Answer:
    if isinstance(value, str):  # the short form: "not-addressed" or "not-known"
        return Answer(question_id, value)
    return Answer(question_id, value["value"], value["answer"], tuple(value.get("clauses", ())))


def build_version(v: dict) -> ProtocolVersion:
    completeness = v["completeness"]
    signature = v.get("signature")
    return ProtocolVersion(
        id=v["id"], label=v["label"], date=v.get("date"), stage=v.get("stage", "adopted"),
        complete=completeness["complete"], completeness_note=completeness.get("note"),
        document_control=build_document_control(v["document_control"]),
        revision=build_revision(v["revision"]) if "revision" in v else None,
        sections=tuple(build_section(s) for s in v["sections"]),
        signature=Signature(tuple(signature["statements"]), tuple(signature["fields"]), signature.get("title"))
        if signature else None,
        editorial_notes=tuple(v.get("editorial_notes", ())),
        answers=tuple(build_answer(key, value) for key, value in v.get("answers", {}).items()),
    )


def build_document_control(d: dict) -> DocumentControl:
    scalars = {k: d[k] for k in ("title", "version_label", "published", "adopted", "reviewed",
                                 "next_review", "review_every_months", "owner", "author", "applies_to", "status")
               if k in d}
    return DocumentControl(
        **scalars,
        related_documents=tuple(d.get("related_documents", ())),
        review_history=tuple(ReviewEntry(**entry) for entry in d.get("review_history", ())),
        fields_printed_blank=tuple(d.get("fields_printed_blank", ())),
    )


def build_revision(r: dict) -> Revision:
    return Revision(**{k: v for k, v in r.items() if k not in ("reasons", "report")},
                    reasons=tuple(r.get("reasons", ())),
                    report=tuple(build_section(s) for s in r.get("report", ())))


def build_section(s: dict) -> Section:
    items = tuple(Subheading(i["heading"]) if "heading" in i else build_clause(i) for i in s["clauses"])
    return Section(id=s["id"], number=s.get("number"), title=s["title"], items=items,
                   editorial_notes=tuple(s.get("editorial_notes", ())))


def build_clause(c: dict) -> Clause:
    return Clause(id=c["id"], number=c["number"], title=c.get("title"),
                  number_printed=c.get("number_printed", True),
                  topics=tuple(c.get("topics", ())),
                  topics_suggested=tuple(c.get("topics_suggested", ())),
                  content=tuple(build_block(b) for b in c["content"]),
                  editorial_notes=tuple(c.get("editorial_notes", ())))


def build_block(b) -> Block:
    if isinstance(b, str):
        return Paragraph(b)
    if "list" in b:
        return ListBlock(b["list"]["style"], tuple(build_item(i) for i in b["list"]["items"]))
    if "quote" in b:
        return Quote(b["quote"])
    if "note" in b:
        return Note(b["note"])
    table = b["table"]
    return Table(columns=tuple(table["columns"]),
                 rows=tuple(tuple(_cell(c) for c in row) for row in table["rows"]),
                 caption=table.get("caption"))


def _cell(cell) -> tuple[str, ...]:
    if isinstance(cell, str):
        return (cell,) if cell else ()
    return tuple(cell)


def build_item(i) -> ListItem:
    if isinstance(i, str):
        return ListItem(i)
    return ListItem(i["text"], i.get("label"), tuple(build_block(b) for b in i.get("content", ())))
