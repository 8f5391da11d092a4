"""Clause-aligned, word-level differences between two versions of a protocol.

Clauses are matched by id, never by number, so renumbering shows as a changed number rather
than every clause removed and added. The same model drives the terminal redline and the
site's "What changed" pages.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from .model import Clause, Protocol, ProtocolVersion
from .text import clause_words


@dataclass(frozen=True)
class WordRun:
    kind: str  # equal | insert | delete
    text: str


@dataclass(frozen=True)
class ClauseChange:
    kind: str  # added | removed | changed | unchanged
    clause_id: str
    old: Clause | None
    new: Clause | None
    words: tuple[WordRun, ...]
    section_title: str | None = None

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    @property
    def clause(self) -> Clause:
        """The clause as it reads now, or as it read before it was removed."""
        clause = self.new or self.old
        if clause is None:
            raise ValueError(f"the change to {self.clause_id} has no clause on either side")
        return clause


@dataclass(frozen=True)
class VersionDiff:
    protocol: Protocol
    old: ProtocolVersion
    new: ProtocolVersion
    changes: tuple[ClauseChange, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def changed(self) -> tuple[ClauseChange, ...]:
        return tuple(c for c in self.changes if c.kind != "unchanged")


def word_runs(old: list[str], new: list[str]) -> tuple[WordRun, ...]:
    runs = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(WordRun("equal", " ".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(WordRun("delete", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(WordRun("insert", " ".join(new[j1:j2])))
    return tuple(runs)


def _words(clause: Clause) -> list[str]:
    # The number is part of what a reader sees change.
    return ([clause.number] if clause.number else []) + clause_words(clause)


def _change(clause_id: str, old: Clause | None, new: Clause | None, section: str | None) -> ClauseChange:
    if old is None or new is None:
        if new is not None:
            return ClauseChange("added", clause_id, None, new, word_runs([], _words(new)), section)
        if old is not None:
            return ClauseChange("removed", clause_id, old, None, word_runs(_words(old), []), section)
        raise ValueError(f"{clause_id} is in neither version")
    runs = word_runs(_words(old), _words(new))
    kind = "unchanged" if all(r.kind == "equal" for r in runs) and old.title == new.title else "changed"
    return ClauseChange(kind, clause_id, old, new, runs, section)


def diff_versions(protocol: Protocol, old: ProtocolVersion, new: ProtocolVersion) -> VersionDiff:
    old_clauses = {c.id: c for c in old.clauses()}
    new_clauses = {c.id: c for c in new.clauses()}
    changes: list[ClauseChange] = []
    # Removed clauses are placed after the last clause that preceded them in the old version
    # and survives in the new one, so a redline reads in document order.
    removed_after: dict[str | None, list[str]] = {}
    last_kept = None
    for clause_id in old_clauses:
        if clause_id in new_clauses:
            last_kept = clause_id
        else:
            removed_after.setdefault(last_kept, []).append(clause_id)

    def emit_removed(after: str | None) -> None:
        for clause_id in removed_after.get(after, []):
            section = old.section_of(clause_id)
            changes.append(_change(clause_id, old_clauses[clause_id], None, section.title if section else None))

    emit_removed(None)
    for clause_id, clause in new_clauses.items():
        section = new.section_of(clause_id)
        changes.append(_change(clause_id, old_clauses.get(clause_id), clause, section.title if section else None))
        emit_removed(clause_id)
    return VersionDiff(protocol, old, new, tuple(changes))


def render_diff(diff: VersionDiff, color: bool = False) -> str:
    """A terminal redline: [-deleted-] and {+inserted+} words, one block per changed clause."""
    def mark(run: WordRun) -> str:
        if run.kind == "equal":
            return run.text
        if color:
            return f"\033[31;9m{run.text}\033[0m" if run.kind == "delete" else f"\033[32;4m{run.text}\033[0m"
        return f"[-{run.text}-]" if run.kind == "delete" else f"{{+{run.text}+}}"

    lines = [f"{diff.protocol.title}: {diff.old.label} -> {diff.new.label}",
             f"{diff.count('added')} added, {diff.count('removed')} removed, "
             f"{diff.count('changed')} changed, {diff.count('unchanged')} unchanged", ""]
    for change in diff.changed:
        where = f" in {change.section_title}" if change.section_title else ""
        lines.append(f"{change.kind.upper()} {change.clause.display_number or '(unnumbered)'} [{change.clause_id}]{where}")
        lines.append("    " + " ".join(mark(r) for r in change.words))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
