"""One answer to a comparison question, as HTML and as data: its value, the handbook's sentence and
the clauses it cites, quoted so a reader can check the sentence against the protocol's words.

Used by the question tables, the side-by-side page (as JSON) and the review page, so the three
say the same thing in the same way.
"""
from __future__ import annotations

from html import escape

from handbook.citation import citation, clause_reference
from handbook.compare import AnswerCell
from handbook.model import Clause, Protocol, ProtocolVersion
from handbook.render import block_html
from handbook.text import block_lines

from . import urls

VALUE_LABELS = {"yes": "Yes", "no": "No", "conditional": "Conditional", "not-addressed": "Not addressed",
                "not-known": "Not known"}
SILENCE_EXPLAINED = {
    "not-addressed": "The protocol says nothing on this.",
    "not-known": "Only part of this protocol is known, and that part says nothing on this.",
}


def council_name(protocol: Protocol) -> str:
    return protocol.council.short_name or protocol.council.name or protocol.title


def value_html(value: str) -> str:
    """The short value as a labelled badge: the word carries the meaning, never the colour alone."""
    label = escape(VALUE_LABELS[value])
    if value in SILENCE_EXPLAINED:  # the class the coverage matrix also uses for silence
        return f'<span class="hb-value hb-value--{value}"><span class="hb-silent">{label}</span></span>'
    return f'<span class="hb-value hb-value--{value}">{label}</span>'


def clause_href(link: urls.Linker, protocol: Protocol, version: ProtocolVersion, clause: Clause) -> str:
    return link.to(urls.clause_path(protocol, version), clause.id)


def quote_html(link: urls.Linker, cell: AnswerCell, clause: Clause) -> str:
    """A cited clause quoted in full, with a link to it in its protocol and its citation."""
    ref = escape(clause_reference(cell.version, clause))
    cite = escape(citation(cell.protocol, cell.version, clause))
    text = "".join(block_html(b) for b in clause.content)
    return (f'<figure class="hb-cited"><blockquote class="hb-cited__text">{text}</blockquote>'
            f'<figcaption><a href="{clause_href(link, cell.protocol, cell.version, clause)}" title="{cite}">'
            f"{ref}</a></figcaption></figure>")


def answer_html(link: urls.Linker, cell: AnswerCell, quotes: str = "open", council: bool = False) -> str:
    """Value, sentence and cited clauses. `quotes`: "open" quotes them in full, "folded" puts the
    quotes in a disclosure (a table of hundreds of councils stays scannable), "none" only links them.
    `council` adds the council's name (a card on a phone has no column header to carry it)."""
    answer = cell.answer
    parts = []
    if council:
        parts.append(f'<p class="hb-answer__council">{escape(council_name(cell.protocol))}</p>')
    parts.append(f'<p class="hb-answer__value">{value_html(answer.value)}</p>')
    sentence = answer.text or SILENCE_EXPLAINED.get(answer.value, "")
    if sentence:
        parts.append(f'<p class="hb-answer__text">{escape(sentence)}</p>')
    clauses = cell.clauses
    if clauses and quotes == "none":
        refs = ", ".join(f'<a href="{clause_href(link, cell.protocol, cell.version, c)}" '
                         f'title="{escape(citation(cell.protocol, cell.version, c))}">'
                         f"{escape(clause_reference(cell.version, c))}</a>" for c in clauses)
        parts.append(f'<p class="hb-answer__cites">Cites {refs}</p>')
    elif clauses:
        quoted = "".join(quote_html(link, cell, c) for c in clauses)
        if quotes == "folded":
            refs = escape(", ".join(clause_reference(cell.version, c) for c in clauses))
            quoted = f'<details class="hb-answer__quotes"><summary>The words cited: {refs}</summary>{quoted}</details>'
        parts.append(quoted)
    return f'<div class="hb-answer">{"".join(parts)}</div>'


def answer_data(cell: AnswerCell) -> dict:
    """The same answer as JSON for the side-by-side page; links are relative to the site root."""
    answer = cell.answer
    cites = []
    for clause in cell.clauses:
        cites.append({
            "ref": clause_reference(cell.version, clause),
            "citation": citation(cell.protocol, cell.version, clause),
            "href": urls.url_of(urls.clause_path(cell.protocol, cell.version)) + "#" + clause.id,
            "quote": [line for block in clause.content for line in block_lines(block)],
        })
    return {"value": answer.value, "label": VALUE_LABELS[answer.value],
            "text": answer.text or SILENCE_EXPLAINED.get(answer.value, ""), "cites": cites}
