"""Library objects -> HTML fragments: clause text, lists, tables, notes, clause blocks.

Protocol wording is data: every string is escaped and printed as transcribed, never tidied.
The first use of a glossary role in each clause links to its glossary entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from handbook.citation import citation
from handbook.dates import human_date  # noqa: F401 (the site's pages import it from here)
from handbook.glossary import find_terms
from handbook.model import (Block, Clause, GlossaryTerm, ListBlock, Note, Paragraph, Protocol,
                            ProtocolVersion, Quote, Section, Subheading, Table, Topic)

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


def plain(text: str) -> str:
    return escape(text)


def block_html(block: Block, inline=plain) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{inline(block.text)}</p>"
    if isinstance(block, Quote):
        return f'<blockquote class="hb-quote"><p>{inline(block.text)}</p></blockquote>'
    if isinstance(block, Note):
        return f'<div class="hb-printed-note" role="note"><p>{inline(block.text)}</p></div>'
    if isinstance(block, ListBlock):
        return list_html(block, inline)
    if isinstance(block, Table):
        return table_html(block, inline)
    raise TypeError(f"unknown block {block!r}")


def list_html(block: ListBlock, inline=plain) -> str:
    labelled = any(item.label for item in block.items)
    tag = "ol" if block.style in ("lettered", "numbered", "roman") else "ul"
    classes = f"hb-list hb-list--{block.style}" + (" hb-list--labelled" if labelled else "")
    items = []
    for item in block.items:
        label = f'<span class="hb-list__label">{escape(item.label)}</span> ' if item.label else ""
        inner = "".join(block_html(b, inline) for b in item.content)
        items.append(f"<li>{label}{inline(item.text)}{inner}</li>")
    return f'<{tag} class="{classes}">{"".join(items)}</{tag}>'


def table_html(table: Table, inline=plain) -> str:
    def cell(lines: tuple[str, ...]) -> str:
        if len(lines) == 1:
            return inline(lines[0])
        return '<ul class="hb-cell-lines">' + "".join(f"<li>{inline(line)}</li>" for line in lines) + "</ul>"

    caption = f"<caption>{inline(table.caption)}</caption>" if table.caption else ""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return (f'<div class="hb-table-wrap"><table class="hb-table">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def editorial_note(text: str, title: str = "Editorial note") -> str:
    """A note by the handbook's transcribers (not protocol text), shown as an admonition."""
    return (f'<div class="admonition note hb-editorial"><p class="admonition-title">{escape(title)}</p>'
            f"<p>{escape(text)}</p></div>")


def clause_label(clause: Clause) -> str:
    """What a reader calls the clause: '8.3', '[1.1]', or 'Unnumbered paragraph'."""
    return clause.display_number or "Unnumbered paragraph"


def clause_heading_html(clause: Clause, level: int = 3, id_prefix: str = "") -> str:
    number = f'<span class="hb-clause__number">{escape(clause_label(clause))}</span>'
    title = f' <span class="hb-clause__title">{escape(clause.title)}</span>' if clause.title else ""
    return f'<h{level} class="hb-clause__heading" id="{id_prefix}{clause.id}">{number}{title}</h{level}>'


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
    title = clause_heading_html(clause, id_prefix=id_prefix)
    body = "".join(block_html(b, inline) for b in clause.content)
    notes = "".join(editorial_note(n) for n in clause.editorial_notes)
    tools = clause_tools(clause, ctx) if ctx.tools else ""
    return (f'<div class="hb-clause" data-clause="{id_prefix}{clause.id}">{title}{tools}'
            f'<div class="hb-clause__body">{body}</div>{topic_chips(clause, ctx)}{notes}</div>')


def section_markdown(section: Section, ctx: ClauseContext, id_prefix: str = "") -> str:
    """A section: its heading as Markdown (so it enters the page's table of contents, which stops
    at sections), then its clauses and sub-headings as HTML."""
    heading = " ".join(x for x in (section.number, section.title) if x)
    parts = [f"## {md_text(heading)} {{#{id_prefix}{section.id}}}", ""]
    html = [editorial_note(n) for n in section.editorial_notes]
    for item in section.items:
        if isinstance(item, Subheading):
            html.append(f'<h3 class="hb-subheading">{escape(item.heading)}</h3>')
        else:
            html.append(clause_html(item, ctx, id_prefix))
    if html:
        parts += ['<div class="hb-section">' + "".join(html) + "</div>", ""]
    return "\n".join(parts)
