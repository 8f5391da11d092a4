"""The Council Protocol Handbook library: load, validate, hash, compare and diff protocols.

Knows nothing of mkdocs or Flask; the site and the sign-off service build on this surface.
"""
from .canonical import canonical_form, content_hash
from .compare import coverage, question_table
from .diff import VersionDiff, diff_versions
from .glossary import find_terms, term_uses, terms_in_clause
from .load import InvalidLibrary, default_root, load_library
from .model import (Answer, Clause, Council, GlossaryTerm, Library, Protocol, ProtocolVersion, Question,
                    Section, Signature, Standing, Topic, VocabularyEntry)
from .standing import signable, signable_versions
from .vocabulary import entries_in, entry_index_words, index_words, reader_words, suggest_topics

__all__ = [
    "Answer", "Clause", "Council", "InvalidLibrary", "Library", "Protocol", "ProtocolVersion",
    "Question", "Section", "Signature", "Standing", "Topic", "VersionDiff", "canonical_form", "content_hash",
    "coverage", "default_root", "diff_versions", "find_terms", "GlossaryTerm", "load_library",
    "question_table", "signable", "signable_versions", "term_uses", "terms_in_clause", "VocabularyEntry",
    "entries_in", "entry_index_words", "index_words", "reader_words", "suggest_topics",
]
