"""The site's URL scheme, in one place (each version's standing is the library's: `Protocol.standing`).

URLs are stable and readable (use_directory_urls): a link pasted into an email today must still
work years later, so they are built from ids (council, version, clause, topic), never numbers.
"""
from __future__ import annotations

from mkdocs.utils import get_relative_url

from handbook.model import Protocol, ProtocolVersion

# Source paths (relative to docs_dir) of generated pages; the URL is the folder.

def council_list_path() -> str:
    return "councils/index.md"


def council_path(protocol: Protocol) -> str:
    return f"councils/{protocol.id}/index.md"


def version_path(protocol: Protocol, version: ProtocolVersion) -> str:
    return f"councils/{protocol.id}/{version.id}/index.md"


def changes_path(protocol: Protocol, old: ProtocolVersion, new: ProtocolVersion) -> str:
    return f"councils/{protocol.id}/changes/{old.id}-to-{new.id}/index.md"


def topic_list_path() -> str:
    return "topics/index.md"


def topic_path(topic_id: str) -> str:
    return f"topics/{topic_id}/index.md"


def compare_path() -> str:
    return "compare/index.md"


def question_table_path(topic_id: str) -> str:
    return f"compare/{topic_id}/index.md"


def side_by_side_path() -> str:
    return "compare/side-by-side/index.md"


def side_by_side_data_path(protocol: Protocol) -> str:
    """One council's answers as JSON, fetched by the side-by-side page when a reader picks it."""
    return f"compare/data/{protocol.id}.json"


def review_path(protocol: Protocol) -> str:
    return f"councils/{protocol.id}/review/index.md"


def glossary_path() -> str:
    return "glossary/index.md"


def url_of(path: str) -> str:
    """The page URL (use_directory_urls) of a source path: 'councils/wbc/index.md' -> 'councils/wbc/',
    'about.md' -> 'about/'."""
    if path == "index.md" or path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/" if path.endswith(".md") else path


def clause_path(protocol: Protocol, version: ProtocolVersion) -> str:
    """Where a version's clauses are linked to: the council page for the version it shows (the one in
    force, else the latest), so citations point at the stable URL; any other version at its own URL."""
    return council_path(protocol) if version is protocol.default_version else version_path(protocol, version)


class Linker:
    """Relative links from one page, so the site works under any base path."""

    def __init__(self, page_path: str):
        self.page_url = url_of(page_path)
        self._hrefs: dict[str, str] = {}  # a page links to the same few pages many times

    def to(self, path: str, fragment: str | None = None) -> str:
        href = self._hrefs.get(path)
        if href is None:
            href = get_relative_url(url_of(path) or ".", self.page_url or ".")
            if href in ("", "."):
                href = "./"
            elif not href.endswith("/"):
                href += "/"
            self._hrefs[path] = href
        return f"{href}#{fragment}" if fragment else href
