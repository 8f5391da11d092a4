"""How to cite a clause: the one citation string the handbook copies and the service's receipts print.

"South Ribble BC, Member and Officer Protocol (January 2018), para 8.4": who, which document,
which version, which paragraph (its printed number; bracketed where the source omits it).
"""
from __future__ import annotations

from .model import Clause, Protocol, ProtocolVersion


def clause_reference(version: ProtocolVersion, clause: Clause) -> str:
    """'para 8.4', or for an unnumbered paragraph the section it sits in."""
    if clause.display_number:
        return f"para {clause.display_number}"
    section = version.section_of(clause.id)
    where = f" of {section.title}" if section and section.title else ""
    return f"unnumbered paragraph{where}"


def citation(protocol: Protocol, version: ProtocolVersion, clause: Clause | None = None) -> str:
    """The citation of a version, or of one clause in it."""
    council = protocol.council.short_name or protocol.council.name
    document = f"{protocol.title} ({version.label})"
    parts = [council, document] if council else [document]
    if clause is not None:
        parts.append(clause_reference(version, clause))
    return ", ".join(parts)
