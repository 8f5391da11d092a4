"""The site's additions around the library's renderer (handbook/render.py): glossary links in
clause text, clause tools and topic chips, editorial notes, and sections as Markdown headings.

Protocol text itself (blocks, clause headings, sub-headings) is rendered by the library, the same
code the sign-off service uses for the pages people sign. The first use of a glossary role in
each clause links to its glossary entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from handbook.citation import citation
from handbook.dates import human_date  # noqa: F401 (the site's pages import it from here)
from handbook.glossary import find_terms
from handbook.model import Clause, GlossaryTerm, Protocol, ProtocolVersion, Section, Topic
from handbook.render import clause_html as lib_clause_html
from handbook.render import clause_label, section_items_html, section_title

from . import urls

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(text: str) -> str:
    """Text safe to put in a Markdown heading: HTML-escaped and Markdown punctuation escaped."""
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


@dataclass
class Inline:
    """Escapes clause text and links the first use of each glossary term within one clause."""

    glossary: tuple[GlossaryTerm, ...] = ()
    glossary_href: str | None = None  # relative URL of the glossary page, or None: no links
    seen: set[str] = field(default_factory=set)

    def __call__(self, text: str) -> str:
        if not self.glossary or self.glossary_href is None:
            return escape(text)
        out, last = [], 0
        for match in find_terms(text, self.glossary):
            if match.term.id in self.seen:
                continue
            self.seen.add(match.term.id)
            out.append(escape(text[last:match.start]))
            out.append(f'<a class="hb-term" href="{self.glossary_href}#{match.term.id}">'
                       f'{escape(text[match.start:match.end])}</a>')
            last = match.end
        out.append(escape(text[last:]))
        return "".join(out)


def scroll_region(label: str, table: str) -> str:
    """A wide table in a region of its own that scrolls sideways (the page never does), which a
    keyboard user can focus and scroll, and a screen reader names (as the library's protocol tables do)."""
    return f'<div class="hb-table-wrap" tabindex="0" role="region" aria-label="{escape(label)}">{table}</div>'


def editorial_note(text: str, title: str = "Editorial note") -> str:
    """A note by the handbook's transcribers (not protocol text), shown as an admonition."""
    return (f'<div class="admonition note hb-editorial"><p class="admonition-title">{escape(title)}</p>'
            f"<p>{escape(text)}</p></div>")


@dataclass
class ClauseContext:
    """What a clause block needs to know about the page it is on."""

    protocol: Protocol
    version: ProtocolVersion
    link: urls.Linker
    topics: dict[str, Topic]
    glossary: tuple[GlossaryTerm, ...] = ()
    tools: bool = True  # copy-link and copy-citation actions


def topic_chips(clause: Clause, ctx: ClauseContext) -> str:
    if not clause.topics:
        return ""
    chips = "".join(f'<li><a class="hb-chip" href="{ctx.link.to(urls.topic_path(t))}">'
                    f"{escape(ctx.topics[t].title)}</a></li>" for t in clause.topics if t in ctx.topics)
    return f'<ul class="hb-chips" aria-label="Topics">{chips}</ul>'


def clause_tools(clause: Clause, ctx: ClauseContext) -> str:
    """A real link to the clause's anchor (works without JS) and a copy-citation button that
    handbook.js reveals; the citation is also the link's title, so it can be read without JS."""
    cite = citation(ctx.protocol, ctx.version, clause)
    name = escape(clause_label(clause))
    return (f'<div class="hb-clause__tools">'
            f'<a class="hb-clause__link" href="#{clause.id}" title="{escape(cite)}">'
            f'Link<span class="hb-sr-only"> to {name}</span></a>'
            f'<button type="button" class="hb-cite" data-citation="{escape(cite)}" hidden>'
            f'Copy citation<span class="hb-sr-only"> of {name}</span></button></div>')


def clause_html(clause: Clause, ctx: ClauseContext, id_prefix: str = "") -> str:
    inline = Inline(ctx.glossary, ctx.link.to(urls.glossary_path()) if ctx.glossary else None)
    notes = "".join(editorial_note(n) for n in clause.editorial_notes)
    tools = clause_tools(clause, ctx) if ctx.tools else ""
    return lib_clause_html(clause, 3, id_prefix, inline, tools, topic_chips(clause, ctx) + notes)


def section_markdown(section: Section, ctx: ClauseContext, id_prefix: str = "") -> str:
    """A section: its heading as Markdown (so it enters the page's table of contents, which stops
    at sections), then its clauses and sub-headings as HTML."""
    parts = [f"## {md_text(section_title(section))} {{#{id_prefix}{section.id}}}", ""]
    html = "".join(editorial_note(n) for n in section.editorial_notes)
    html += section_items_html(section, 3, id_prefix, lambda clause: clause_html(clause, ctx, id_prefix))
    if html:
        parts += ['<div class="hb-section">' + html + "</div>", ""]
    return "\n".join(parts)
