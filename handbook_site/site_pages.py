"""Every generated page of the handbook: (source path, Markdown) pairs, from the library."""
from __future__ import annotations

from datetime import date
from typing import Iterator

from handbook import coverage
from handbook.model import Library

from . import urls
from .changes import changes_markdown, consecutive_pairs
from .glossary_page import glossary_markdown
from .pages import council_list_markdown, protocol_markdown
from .topics import compare_markdown, topic_list_markdown, topic_markdown


def generated_pages(library: Library, signoff_url: str, today: date) -> Iterator[tuple[str, str]]:
    topics = {t.id: t for t in library.topics}
    yield urls.council_list_path(), council_list_markdown(library)
    for protocol in library.protocols:
        path = urls.council_path(protocol)
        yield path, protocol_markdown(library, protocol, protocol.default_version, path, signoff_url, today)
        for version in protocol.versions:
            path = urls.version_path(protocol, version)
            yield path, protocol_markdown(library, protocol, version, path, signoff_url, today)
        for old, new in consecutive_pairs(protocol):
            path = urls.changes_path(protocol, old, new)
            yield path, changes_markdown(protocol, old, new, path, topics, library.glossary)
    rows = coverage(library)  # which clauses address each topic: once, for every page that shows it
    yield urls.topic_list_path(), topic_list_markdown(library, rows=rows)
    for row in rows:
        yield urls.topic_path(row.topic.id), topic_markdown(library, row.topic, urls.topic_path(row.topic.id), row)
    yield urls.compare_path(), compare_markdown(library, rows=rows)
    yield urls.glossary_path(), glossary_markdown(library)
