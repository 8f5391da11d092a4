"""The canonical form of a protocol version's text, and its content hash.

This is the one place the hash is computed: the handbook site prints it and the sign-off
service stores it on every acknowledgement, so both must call `content_hash`.

What is in it: the protocol title; each section's number and title; each clause's number
(and whether it is printed), title and content (paragraphs, lists with labels and nested
content, quotations, printed notes, tables); sub-headings; the signature block. What is not:
ids, topics, editorial notes, document control, answers. Whitespace runs count as one space,
so reflowing YAML never changes the hash; any changed word does.
"""
from __future__ import annotations

import hashlib
import json
import re

from .model import (Block, Clause, ListBlock, ListItem, Note, Paragraph, Protocol,
                    ProtocolVersion, Quote, Section, Subheading, Table)

HASH_PREFIX = "sha256:"
_SPACE = re.compile(r"\s+")


def _text(text: str | None) -> str | None:
    return None if text is None else _SPACE.sub(" ", text).strip()


def _block(block: Block):
    if isinstance(block, Paragraph):
        return {"p": _text(block.text)}
    if isinstance(block, Quote):
        return {"quote": _text(block.text)}
    if isinstance(block, Note):
        return {"note": _text(block.text)}
    if isinstance(block, ListBlock):
        return {"list": block.style, "items": [_item(i) for i in block.items]}
    if isinstance(block, Table):
        return {"table": [_text(c) for c in block.columns], "caption": _text(block.caption),
                "rows": [[[_text(line) for line in cell] for cell in row] for row in block.rows]}
    raise TypeError(f"unknown block {block!r}")


def _item(item: ListItem):
    return {"label": _text(item.label), "text": _text(item.text), "content": [_block(b) for b in item.content]}


def _clause(item: Clause | Subheading):
    if isinstance(item, Subheading):
        return {"heading": _text(item.heading)}
    return {"number": item.number, "printed": item.number_printed, "title": _text(item.title),
            "content": [_block(b) for b in item.content]}


def _section(section: Section):
    return {"number": section.number, "title": _text(section.title), "clauses": [_clause(i) for i in section.items]}


def canonical_form(protocol: Protocol, version: ProtocolVersion) -> str:
    signature = version.signature
    document = {
        "title": _text(protocol.title),
        "sections": [_section(s) for s in version.sections],
        "signature": None if signature is None else {
            "title": _text(signature.title),
            "statements": [_text(s) for s in signature.statements],
            "fields": [_text(f) for f in signature.fields],
        },
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(protocol: Protocol, version: ProtocolVersion | None = None) -> str:
    """'sha256:<hex>' of the canonical form of `version` (default: the version in force, else the latest)."""
    version = version or protocol.default_version
    return HASH_PREFIX + hashlib.sha256(canonical_form(protocol, version).encode("utf-8")).hexdigest()
