"""Every generated page of the handbook: (source path, Markdown) pairs, from the library."""
from __future__ import annotations

from datetime import date
from typing import Iterator

from handbook.model import Library

from . import urls
from .pages import council_list_markdown, protocol_markdown


def generated_pages(library: Library, signoff_url: str, today: date) -> Iterator[tuple[str, str]]:
    yield urls.council_list_path(), council_list_markdown(library)
    for protocol in library.protocols:
        current = urls.in_force(protocol)
        path = urls.council_path(protocol)
        yield path, protocol_markdown(library, protocol, current, path, signoff_url, today)
        for version in protocol.versions:
            path = urls.version_path(protocol, version)
            yield path, protocol_markdown(library, protocol, version, path, signoff_url, today)
