"""Keeping the generated pages' HTML out of the Markdown parser.

The page functions write Markdown in which every HTML block is one line starting with "<". Python-
Markdown (and mkdocs after it) would parse each of those blocks with an HTML parser only to pass
it through unchanged; on a large library that parsing was most of the build (about half of a
40-council build). So the plugin swaps each such line for a short comment before Markdown runs
and puts the HTML back into the rendered page: same output, a fraction of the work.

The plugin keeps each page's blocks compressed (`pack`) and puts them back only when the page is
written (on_post_page): mkdocs converts every page before it writes any, so blocks restored at
conversion would all be held at once (most of a large build's memory: about 0.5 MB a council).
"""
from __future__ import annotations

import re
import zlib

_MARKER = "<!--hb-fragment:{}-->"
_MARKER_RE = re.compile(r"<!--hb-fragment:(\d+)-->")


def stash(markdown: str) -> tuple[str, list[str]]:
    """(Markdown with each HTML block line replaced by a marker, the lines in order)."""
    fragments: list[str] = []
    lines = markdown.split("\n")
    in_front_matter = lines[:1] == ["---"]
    for i, line in enumerate(lines):
        if in_front_matter:
            in_front_matter = not (i > 0 and line == "---")
            continue
        if line.startswith("<") and not line.startswith("<!--"):
            lines[i] = _MARKER.format(len(fragments))
            fragments.append(line)
    return "\n".join(lines), fragments


def restore(html: str, fragments: list[str]) -> str:
    """Put the stashed HTML back in place of its markers (Markdown leaves them as they were)."""
    if not fragments:
        return html
    return _MARKER_RE.sub(lambda m: fragments[int(m.group(1))], html)


_SEPARATOR = "\x00"  # never in HTML text (YAML cannot even carry it)


def pack(fragments: list[str]) -> bytes:
    """A page's blocks, compressed (HTML compresses about tenfold) until the page is written."""
    return zlib.compress(_SEPARATOR.join(fragments).encode("utf-8"), 1) if fragments else b""


def unpack(packed: bytes) -> list[str]:
    return zlib.decompress(packed).decode("utf-8").split(_SEPARATOR) if packed else []
