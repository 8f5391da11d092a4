"""How to cite a clause: the one citation string the handbook copies and the service's receipts print.

"South Ribble BC, Member and Officer Protocol (January 2018), para 8.4": who, which document
(its short title where it has one), which version, which paragraph: its printed number (bracketed
where the source omits it); for a paragraph printed without a number, its section and place
("Exampleshire CC, Member/Officer Protocol (March 2024), Lobbying, paragraph 2"), so no two
unnumbered paragraphs share a citation.
"""
from __future__ import annotations

from .model import SIGNATURE_ID, Clause, Protocol, ProtocolVersion


def clause_reference(version: ProtocolVersion, clause: Clause) -> str:
    """'para 8.4'; for an unnumbered paragraph, its section title and its place in the section."""
    if clause.id == SIGNATURE_ID:
        return "signature block"
    if clause.display_number:
        return f"para {clause.display_number}"
    section = version.section_of(clause.id)
    if section is None:
        return "unnumbered paragraph"
    clauses = section.clauses
    index = next(i for i, c in enumerate(clauses) if c.id == clause.id)
    if not any(c.display_number for c in clauses):
        # Headed sections of unnumbered paragraphs (often one web page each): count within the section.
        return f"{section.title}, paragraph {index + 1}"
    before = [c for c in clauses[:index] if c.display_number]
    if before:
        return f"{section.title}, unnumbered paragraph after para {before[-1].display_number}"
    following = next(c for c in clauses[index:] if c.display_number)
    return f"{section.title}, unnumbered paragraph before para {following.display_number}"


def citation(protocol: Protocol, version: ProtocolVersion, clause: Clause | None = None) -> str:
    """The citation of a version, or of one clause in it."""
    council = protocol.council.short_name or protocol.council.name
    document = f"{protocol.citation_title} ({version.label})"
    parts = [council, document] if council else [document]
    if clause is not None:
        parts.append(clause_reference(version, clause))
    return ", ".join(parts)
