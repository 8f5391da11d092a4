"""The search vocabulary: which of its ideas a text mentions, in the protocols' words or a reader's.

The site's search index asks `reader_words` for each clause (hidden metadata, so "councillor"
finds a clause that says "Member"); the import asks `suggest_topics` for a draft clause. Both
match the same way here, so the two never disagree.
"""
from __future__ import annotations

import re
from collections import Counter

from .model import VocabularyEntry

# Compiled patterns by vocabulary identity (a build asks once per clause; see glossary._pattern).
_patterns: dict[tuple[int, str], tuple[tuple[VocabularyEntry, ...], re.Pattern | None, dict[str, list[VocabularyEntry]]]] = {}


def _pattern(vocabulary: tuple[VocabularyEntry, ...], side: str) -> tuple[re.Pattern | None, dict[str, list[VocabularyEntry]]]:
    key = (id(vocabulary), side)
    cached = _patterns.get(key)
    if cached is not None and cached[0] is vocabulary:
        return cached[1], cached[2]
    by_word: dict[str, list[VocabularyEntry]] = {}
    for entry in vocabulary:
        for word in (entry.protocol_words if side == "protocol" else entry.protocol_words + entry.reader_words):
            by_word.setdefault(_normal(word), []).append(entry)
    # Longest phrases first, so "undue pressure" is one match, not "pressure"; whole words only,
    # so "press" never matches inside "pressure" (the reason readers' "press release" found it).
    words = sorted(by_word, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
                         + r")(?![\w-])", re.IGNORECASE) if words else None
    if len(_patterns) >= 16:
        _patterns.clear()
    _patterns[key] = (vocabulary, pattern, by_word)
    return pattern, by_word


def _normal(word: str) -> str:
    return " ".join(word.casefold().replace("\u2019", "'").split())


def entries_in(text: str, vocabulary: tuple[VocabularyEntry, ...], *, reader: bool = False) -> list[VocabularyEntry]:
    """The entries whose protocol words (and, with `reader`, reader words) occur in `text`, by
    number of occurrences, most first."""
    pattern, by_word = _pattern(vocabulary, "any" if reader else "protocol")
    if pattern is None:
        return []
    counts: Counter = Counter()
    order: dict[str, VocabularyEntry] = {}
    for match in pattern.finditer(text.replace("\u2019", "'")):
        for entry in by_word[_normal(match.group())]:
            counts[entry.id] += 1
            order.setdefault(entry.id, entry)
    return [order[entry_id] for entry_id, _ in counts.most_common()]


def reader_words(text: str, vocabulary: tuple[VocabularyEntry, ...]) -> tuple[str, ...]:
    """The reader words for every idea `text` states in the protocols' words, each once."""
    words: dict[str, None] = {}
    for entry in entries_in(text, vocabulary):
        words.update(dict.fromkeys(entry.reader_words))
    return tuple(words)


def suggest_topics(text: str, vocabulary: tuple[VocabularyEntry, ...]) -> tuple[str, ...]:
    """Topic ids whose vocabulary `text` uses (protocol or reader words), most mentioned first."""
    counts: Counter = Counter()
    pattern, by_word = _pattern(vocabulary, "any")
    if pattern is None:
        return ()
    for match in pattern.finditer(text.replace("\u2019", "'")):
        for entry in by_word[_normal(match.group())]:
            counts.update(entry.topics)
    return tuple(topic for topic, _ in counts.most_common())
