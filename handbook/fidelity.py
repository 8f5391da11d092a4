"""How faithfully a protocol file transcribes its source document.

Coverage is the share of the source's words that the file's text reproduces in order. Words the
file deliberately leaves out (page furniture) are listed in its `source.omitted` with a reason and
are taken out of the source before matching, so every gap is either explained or counted.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .source import read_yaml

# Keys whose values are the transcriber's, not the source's: ids, tags, notes, and
# dates normalised to ISO form.
NOT_SOURCE_TEXT = {"id", "type", "topics", "topics_suggested", "editorial_notes", "answers", "completeness", "style",
                   "number_printed", "stage", "status", "source", "date", "published",
                   "adopted", "reviewed", "next_review"}
_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"</?u>")


def words(text: str) -> list[str]:
    return _WORD.findall(_MARKUP.sub(" ", text).lower())


def transcribed_strings(data, key=None):
    """Every string of source text in a protocol file, in document order."""
    if key in NOT_SOURCE_TEXT:
        return
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, value in data.items():
            yield from transcribed_strings(value, k)
    elif isinstance(data, list):
        for value in data:
            yield from transcribed_strings(value, key)


def _remove_runs(tokens: list[str], run: list[str]) -> list[str]:
    if not run:
        return tokens
    out, i = [], 0
    while i < len(tokens):
        if tokens[i:i + len(run)] == run:
            i += len(run)
        else:
            out.append(tokens[i])
            i += 1
    return out


@dataclass(frozen=True)
class Fidelity:
    source_words: int
    matched: int
    missing: tuple[str, ...]  # runs of source words not found in the file
    extra: tuple[str, ...]  # runs of file words not in the source at that point
    invented: tuple[str, ...]  # words of those runs that the source never uses at all

    @property
    def coverage(self) -> float:
        return self.matched / self.source_words if self.source_words else 1.0



def source_text(path: str | Path) -> str:
    """The words of a source document as the importer reads them (text, PDF, Word, HTML)."""
    path = Path(path)
    if path.suffix.lower() in (".txt", ".md", ".text"):
        return path.read_text(encoding="utf-8")
    from .importer.readers import read_source  # only non-text sources need the readers' libraries

    return read_source(path).text


def fidelity(seed_path: str | Path | list, protocol_path: str | Path) -> Fidelity:
    """How faithfully the protocol file transcribes its source (one file, or several in order)."""
    paths = seed_path if isinstance(seed_path, list) else [seed_path]
    return fidelity_of("\n".join(source_text(p) for p in paths), read_yaml(protocol_path).data)


def fidelity_of(text: str, data: dict) -> Fidelity:
    """The same check on a source's text and a protocol file's data, already in hand."""
    seed = words(text)
    # Longest first: a one-word omission ("Summary") must not break a longer one that contains it.
    for run in sorted((words(o["text"]) for o in data.get("source", {}).get("omitted", [])), key=len, reverse=True):
        seed = _remove_runs(seed, run)
    ours = [w for s in transcribed_strings(data) for w in words(s)]
    matcher = difflib.SequenceMatcher(None, seed, ours, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    missing, extra = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            missing.append(" ".join(seed[i1:i2]))
        if op in ("insert", "replace"):
            extra.append(" ".join(ours[j1:j2]))
    vocabulary = set(seed)
    invented = tuple(w for run in extra for w in run.split() if w not in vocabulary)
    return Fidelity(len(seed), matched, tuple(missing), tuple(extra), invented)
