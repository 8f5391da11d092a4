"""A protocol version's text as HTML: the one renderer the handbook site and the sign-off service share.

What people read in the handbook, what they sign and what their receipt shows are the same words
because they come from these functions. Protocol wording is data: every string is escaped and
printed as transcribed, never tidied. An unknown kind of block is an error (`UnknownBlock`), never
silently dropped: the content hash covers every block, so every block must reach the page.

Functions return HTML as `str` (already escaped) so callers can join them freely; `version_html`
returns `markupsafe.Markup` for templates. `inline` is how a run of protocol text becomes HTML:
plain escaping by default; the site passes one that also links glossary roles.
"""
from __future__ import annotations

from html import escape
from typing import Callable

from markupsafe import Markup

from .model import (Block, Clause, ListBlock, Note, Paragraph, Protocol, ProtocolVersion, Quote, Section,
                    Signature, Subheading, Table)

Inline = Callable[[str], str]


class UnknownBlock(TypeError):
    """A block of a kind the renderer does not know: add it here before it can be published."""


def plain(text: str) -> str:
    return escape(text)


def block_html(block: Block, inline: Inline = plain) -> str:
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
    raise UnknownBlock(f"cannot render a {type(block).__name__} block: {block!r}")


def list_html(block: ListBlock, inline: Inline = plain) -> str:
    labelled = any(item.label for item in block.items)
    tag = "ol" if block.style in ("lettered", "numbered", "roman") else "ul"
    classes = f"hb-list hb-list--{block.style}" + (" hb-list--labelled" if labelled else "")
    items = []
    for item in block.items:
        label = f'<span class="hb-list__label">{escape(item.label)}</span> ' if item.label else ""
        inner = "".join(block_html(b, inline) for b in item.content)
        items.append(f"<li>{label}{inline(item.text)}{inner}</li>")
    return f'<{tag} class="{classes}">{"".join(items)}</{tag}>'


def table_html(table: Table, inline: Inline = plain) -> str:
    """A table that scrolls sideways inside its own focusable region on a narrow screen, rather
    than pushing the page sideways (WCAG 1.4.10); keyboard users can focus and scroll it."""
    def cell(lines: tuple[str, ...]) -> str:
        if len(lines) == 1:
            return inline(lines[0])
        return '<ul class="hb-cell-lines">' + "".join(f"<li>{inline(line)}</li>" for line in lines) + "</ul>"

    caption = f"<caption>{inline(table.caption)}</caption>" if table.caption else ""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    label = escape(f"{table.caption or 'Table'} (scrolls sideways)")
    return (f'<div class="hb-table-wrap" role="region" tabindex="0" aria-label="{label}">'
            f'<table class="hb-table">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def clause_label(clause: Clause) -> str:
    """What a reader calls the clause: '8.3', '[1.1]', or 'Unnumbered paragraph'."""
    return clause.display_number or "Unnumbered paragraph"


def clause_heading_html(clause: Clause, level: int = 3, id_prefix: str = "") -> str:
    number = f'<span class="hb-clause__number">{escape(clause_label(clause))}</span>'
    title = f' <span class="hb-clause__title">{escape(clause.title)}</span>' if clause.title else ""
    return f'<h{level} class="hb-clause__heading" id="{id_prefix}{clause.id}">{number}{title}</h{level}>'


def clause_html(clause: Clause, level: int = 3, id_prefix: str = "", inline: Inline = plain,
                tools: str = "", extras: str = "") -> str:
    """A clause: its heading, then (after any `tools`, e.g. the site's copy-citation) its text,
    then any `extras` (the site's topic chips and editorial notes)."""
    body = "".join(block_html(b, inline) for b in clause.content)
    return (f'<div class="hb-clause" data-clause="{id_prefix}{clause.id}">{clause_heading_html(clause, level, id_prefix)}'
            f'{tools}<div class="hb-clause__body">{body}</div>{extras}</div>')


def subheading_html(subheading: Subheading, level: int = 3) -> str:
    return f'<h{level} class="hb-subheading">{escape(subheading.heading)}</h{level}>'


def section_title(section: Section) -> str:
    """The section's heading as printed: '4 Effective Working Relations', or just its title."""
    return " ".join(x for x in (section.number, section.title) if x)


def section_items_html(section: Section, level: int = 3, id_prefix: str = "",
                       clause: Callable[[Clause], str] | None = None) -> str:
    """A section's clauses and sub-headings (not its heading), at heading `level`."""
    render = clause or (lambda c: clause_html(c, level, id_prefix))
    return "".join(subheading_html(item, level) if isinstance(item, Subheading) else render(item)
                   for item in section.items)


def signature_html(signature: Signature, anchor: str | None = "signature") -> str:
    """The protocol's own signature block, as printed: its title, statements and blank fields."""
    attribute = f' id="{anchor}"' if anchor else ""
    html = [f'<div class="hb-signature"{attribute}>']
    if signature.title:
        html.append(f'<p class="hb-signature__title">{escape(signature.title)}</p>')
    html += [f"<p>{escape(s)}</p>" for s in signature.statements]
    html.append('<dl class="hb-signature__fields">' + "".join(
        f'<dt>{escape(f)}</dt><dd class="hb-signature__blank">&nbsp;</dd>' for f in signature.fields) + "</dl>")
    html.append("</div>")
    return "".join(html)


def version_html(protocol: Protocol, version: ProtocolVersion, level: int = 2, collapsible: bool = False,
                 id_prefix: str = "") -> Markup:
    """The whole text of a version: its sections (headings at `level`, clauses one below; each in a
    <details> a reader can close when `collapsible`), then its signature block."""
    parts = []
    for section in version.sections:
        heading = f'<h{level} class="hb-section__heading">{escape(section_title(section))}</h{level}>'
        items = section_items_html(section, level + 1, id_prefix)
        anchor = f"{id_prefix}{section.id}"
        if collapsible:
            parts.append(f'<details class="hb-section" id="{anchor}" open><summary>{heading}</summary>{items}</details>')
        else:
            parts.append(f'<section class="hb-section" id="{anchor}">{heading}{items}</section>')
    if version.signature is not None:
        parts.append(signature_html(version.signature, f"{id_prefix}signature"))
    return Markup(f'<div class="hb-protocol-text" lang="en-GB">{"".join(parts)}</div>')
