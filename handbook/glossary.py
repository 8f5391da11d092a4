"""Finding glossary terms (roles such as "Monitoring Officer") in protocol text.

The site links a clause's first use of a role to its glossary entry, and the glossary lists the
clauses that use each role; both ask this module, so the two never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Clause, GlossaryTerm, Library, Protocol
from .text import clause_text


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    term: GlossaryTerm


# Compiled patterns by glossary identity: hashing a glossary's terms on every call cost more than
# the search itself in a large build. Holding the glossary keeps its id from being reused.
_patterns: dict[int, tuple[tuple[GlossaryTerm, ...], re.Pattern | None, dict[str, GlossaryTerm]]] = {}


def _pattern(glossary: tuple[GlossaryTerm, ...]) -> tuple[re.Pattern | None, dict[str, GlossaryTerm]]:
    cached = _patterns.get(id(glossary))
    if cached is not None and cached[0] is glossary:
        return cached[1], cached[2]
    by_name = {name: term for term in glossary for name in term.names}
    # Longest names first, so "Town Clerk" wins over "Clerk" and "Cabinet Member" over "Cabinet".
    names = sorted(by_name, key=len, reverse=True)
    # Whole words only: "Director" must not match inside "Directorate"; case-sensitive because
    # roles are capitalised ("the Cabinet", not "a cabinet of curiosities").
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])") if names else None
    if len(_patterns) >= 8:  # a long `mkdocs serve` loads a new library on every rebuild
        _patterns.clear()
    _patterns[id(glossary)] = (glossary, pattern, by_name)
    return pattern, by_name


def find_terms(text: str, glossary: tuple[GlossaryTerm, ...]) -> list[TermMatch]:
    """Every use of a glossary term or alias in `text`, left to right, never overlapping."""
    pattern, by_name = _pattern(glossary)
    if pattern is None:
        return []
    return [TermMatch(m.start(), m.end(), by_name[m.group()]) for m in pattern.finditer(text)]


def terms_in_clause(clause: Clause, glossary: tuple[GlossaryTerm, ...]) -> tuple[GlossaryTerm, ...]:
    """The distinct terms a clause uses, in order of first use."""
    seen: dict[str, GlossaryTerm] = {}
    for match in find_terms(clause_text(clause), glossary):
        seen.setdefault(match.term.id, match.term)
    return tuple(seen.values())


def term_uses(library: Library, term: GlossaryTerm) -> tuple[tuple[Protocol, Clause], ...]:
    """The clauses of each protocol's version in force (else the latest) that use `term` (by any of its names)."""
    return tuple((protocol, clause)
                 for protocol in library.protocols
                 for clause in protocol.default_version.clauses()
                 if term in terms_in_clause(clause, library.glossary))
