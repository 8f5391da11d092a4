"""Finding glossary terms (roles such as "Monitoring Officer") in protocol text.

The site links a clause's first use of a role to its glossary entry, and the glossary lists the
clauses that use each role; both ask this module, so the two never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Clause, GlossaryTerm, Library, Protocol
from .text import clause_text


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    term: GlossaryTerm


@lru_cache(maxsize=8)
def _pattern(glossary: tuple[GlossaryTerm, ...]) -> tuple[re.Pattern | None, dict[str, GlossaryTerm]]:
    by_name = {name: term for term in glossary for name in term.names}
    if not by_name:
        return None, by_name
    # Longest names first, so "Town Clerk" wins over "Clerk" and "Cabinet Member" over "Cabinet".
    names = sorted(by_name, key=len, reverse=True)
    # Whole words only: "Director" must not match inside "Directorate"; case-sensitive because
    # roles are capitalised ("the Cabinet", not "a cabinet of curiosities").
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])"), by_name


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
    """The clauses of each protocol's current version that use `term` (by any of its names)."""
    return tuple((protocol, clause)
                 for protocol in library.protocols
                 for clause in protocol.current.clauses()
                 if term in terms_in_clause(clause, library.glossary))
