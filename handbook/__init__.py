"""The Council Protocol Handbook library: load, validate, hash, compare and diff protocols.

Knows nothing of mkdocs or Flask; the site and the sign-off service build on this surface.
"""
from .canonical import canonical_form, content_hash
from .compare import coverage, question_table
from .diff import VersionDiff, diff_versions
from .load import InvalidLibrary, default_root, load_library
from .model import (Answer, Clause, Council, Library, Protocol, ProtocolVersion, Question, Section,
                    Signature, Topic)

__all__ = [
    "Answer", "Clause", "Council", "InvalidLibrary", "Library", "Protocol", "ProtocolVersion",
    "Question", "Section", "Signature", "Topic", "VersionDiff", "canonical_form", "content_hash",
    "coverage", "default_root", "diff_versions", "load_library", "question_table",
]
