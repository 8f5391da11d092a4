"""Topic suggestions for an imported clause: from the same vocabulary the search uses, the
topics' own words, and the topics people gave the most similar clauses of other councils.

A suggestion is a starting point for the person reviewing the draft, written to
`topics_suggested`, never to `topics`: `handbook validate` lists every clause whose suggestions
nobody has confirmed.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from ..model import Library
from ..text import clause_text
from ..vocabulary import suggest_topics

MAX_SUGGESTIONS = 3
MAX_PER_CLAUSE = 6
_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"that", "with", "this", "from", "their", "they", "them", "what", "which", "when", "whom",
           "have", "whether", "including", "between", "other", "about", "should", "must", "will"}


NEIGHBOURS = 5  # similar tagged clauses consulted
AGREEING = 3  # how many of them must share a topic for it to be suggested


class TopicSuggester:
    def __init__(self, library: Library, council_id: str | None = None):
        self.vocabulary = library.vocabulary
        self.topic_ids = [t.id for t in library.topics]
        # Each topic's own words (title and definition), for clauses the vocabulary says nothing about.
        self.topic_words = {t.id: set(_stems(f"{t.title} {t.definition}")) - _COMMON for t in library.topics}
        # Clauses people have tagged, in other councils' protocols (never the council being imported,
        # whose own earlier tags would only repeat themselves).
        self.tagged = [(Counter(_stems(clause_text(c))), c.topics) for p in library.protocols if p.id != council_id
                       for v in p.versions for c in v.clauses() if c.topics]
        documents = Counter(w for words, _ in self.tagged for w in words)
        self.idf = {w: math.log(len(self.tagged) / n) for w, n in documents.items()}
        self.vectors = [(self._weights(words), topics) for words, topics in self.tagged]

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
        chosen += [t for t in self._by_neighbours(text) if t not in chosen]
        return tuple(chosen[:MAX_PER_CLAUSE])

    def _weights(self, words: Counter) -> dict[str, float]:
        weights = {w: n * self.idf.get(w, 0.0) for w, n in words.items() if w not in _COMMON}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {w: v / norm for w, v in weights.items()}

    def _by_neighbours(self, text: str) -> list[str]:
        """Topics that most of the NEIGHBOURS most similar tagged clauses share (cosine of tf-idf)."""
        if not self.vectors:
            return []
        query = self._weights(Counter(_stems(text)))
        scored = sorted(((sum(query.get(w, 0.0) * v for w, v in vector.items()), topics)
                         for vector, topics in self.vectors), key=lambda pair: -pair[0])[:NEIGHBOURS]
        votes = Counter(t for score, topics in scored if score > 0 for t in topics)
        return [t for t, n in votes.most_common() if n >= AGREEING and t in self.topic_words]

    def _by_definition(self, text: str) -> list[str]:
        words = Counter(_stems(text))
        scores = {topic: sum(words[w] for w in own) for topic, own in self.topic_words.items()}
        best = sorted((t for t in self.topic_ids if scores[t]), key=lambda t: -scores[t])
        return best[:1] if best else self.topic_ids[:1]


def _stems(text: str) -> list[str]:
    return [w[:6] for w in _WORD.findall(text.lower())]
