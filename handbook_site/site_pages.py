"""Every generated page of the handbook: (source path, Markdown) pairs, from the library."""
from __future__ import annotations

from datetime import date
from typing import Iterator

from handbook import coverage
from handbook.compare import ReviewIndex
from handbook.model import Library

from . import urls
from .changes import changes_markdown, consecutive_pairs
from .glossary_page import glossary_markdown
from .pages import council_list_markdown, protocol_markdown
from .review_page import review_markdown
from .side_by_side import council_data, side_by_side_markdown
from .topics import compare_markdown, question_table_markdown, topic_list_markdown, topic_markdown


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
    for topic in library.topics:
        if topic.questions:
            path = urls.question_table_path(topic.id)
            yield path, question_table_markdown(library, topic, path)
    yield urls.side_by_side_path(), side_by_side_markdown(library)
    reviews = ReviewIndex(library)  # what every protocol says, counted once for all the reviews
    for protocol in library.protocols:
        path = urls.review_path(protocol)
        yield path, review_markdown(library, reviews.review(protocol, today), path, today)
    yield urls.glossary_path(), glossary_markdown(library)


def generated_data(library: Library) -> Iterator[tuple[str, str]]:
    """Every generated data file: each council's answers for the side-by-side page."""
    for protocol in library.protocols:
        yield urls.side_by_side_data_path(protocol), council_data(library, protocol)
