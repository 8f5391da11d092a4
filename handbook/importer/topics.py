"""Topic suggestions for an imported clause, from the same vocabulary the search uses.

A suggestion is a starting point for the person reviewing the draft, written to
`topics_suggested`, never to `topics`: `handbook validate` lists every clause whose suggestions
nobody has confirmed.
"""
from __future__ import annotations

import re
from collections import Counter

from ..model import Library
from ..vocabulary import suggest_topics

MAX_SUGGESTIONS = 3
MAX_PER_CLAUSE = 6
_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"that", "with", "this", "from", "their", "they", "them", "what", "which", "when", "whom",
           "have", "whether", "including", "between", "other", "about", "should", "must", "will"}


class TopicSuggester:
    def __init__(self, library: Library):
        self.vocabulary = library.vocabulary
        self.topic_ids = [t.id for t in library.topics]
        # Each topic's own words (title and definition), for clauses the vocabulary says nothing about.
        self.topic_words = {t.id: set(_stems(f"{t.title} {t.definition}")) - _COMMON for t in library.topics}

    def suggest(self, text: str, parts: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
        """The MAX_SUGGESTIONS topics the clause mentions most, then the one each of its parts
        (paragraphs, list items) mentions most, so a long list of duties gets more than three;
        never none."""
        ranked = [t for t in suggest_topics(text, self.vocabulary) if t in self.topic_words]
        if len(ranked) < MAX_SUGGESTIONS:
            ranked += [t for t in self._by_definition(text) if t not in ranked]
        chosen = ranked[:MAX_SUGGESTIONS]
        chosen += [t for t in self._by_definition(text)[:1] if t not in chosen]  # the taxonomy's own words
        for part in parts:
            top = [t for t in suggest_topics(part, self.vocabulary) if t in self.topic_words][:1]
            chosen += [t for t in top if t not in chosen]
        return tuple(chosen[:MAX_PER_CLAUSE])

    def _by_definition(self, text: str) -> list[str]:
        words = Counter(_stems(text))
        scores = {topic: sum(words[w] for w in own) for topic, own in self.topic_words.items()}
        best = sorted((t for t in self.topic_ids if scores[t]), key=lambda t: -scores[t])
        return best[:1] if best else self.topic_ids[:1]


def _stems(text: str) -> list[str]:
    return [w[:6] for w in _WORD.findall(text.lower())]
