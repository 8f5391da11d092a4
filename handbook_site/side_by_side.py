"""Any two councils side by side: one static page and one small JSON file per council.

The page holds the questions (topic by topic) and two council pickers; picking fetches just the two
councils' files and fills in both answers and both cited clauses under each question. So it stays
small with hundreds of councils (no page per pair, no table of every council), and a link with
`?a=<council>&b=<council>` opens a chosen pair. Without JavaScript the page offers the full
question tables instead.
"""
from __future__ import annotations

import json
from html import escape

from mkdocs.utils import get_relative_url

from handbook.compare import answer_cell, compared_version
from handbook.model import Library, Protocol

from . import urls
from .answers import answer_data, council_name
from .pages import front_matter

SCRIPT = "assets/handbook/side-by-side.js"


def council_data(library: Library, protocol: Protocol) -> str:
    """One council's answers to every question, in its version in force, as JSON."""
    version = compared_version(protocol)
    answers = {q.id: answer_data(answer_cell(protocol, q, version)) for q in library.questions}
    return json.dumps({"council": council_name(protocol), "version": version.label,
                       "page": urls.url_of(urls.council_path(protocol)), "answers": answers},
                      ensure_ascii=False, separators=(",", ":"))


def _options(library: Library, selected: str | None) -> str:
    return "".join(f'<option value="{escape(p.id)}"{" selected" if p.id == selected else ""}>'
                   f"{escape(council_name(p))}</option>" for p in library.protocols)


def side_by_side_markdown(library: Library, page_path: str = urls.side_by_side_path()) -> str:
    link = urls.Linker(page_path)
    here = urls.url_of(page_path)
    root = (get_relative_url(".", here) or ".").rstrip("/")
    first = library.protocols[0].id if library.protocols else None
    second = library.protocols[1].id if len(library.protocols) > 1 else first
    form = ('<form class="hb-pair" id="hb-pair" method="get" action="./">'
            '<div class="hb-pair__field"><label for="hb-pair-a">Your council</label>'
            f'<select id="hb-pair-a" name="a">{_options(library, first)}</select></div>'
            '<div class="hb-pair__field"><label for="hb-pair-b">Compare with</label>'
            f'<select id="hb-pair-b" name="b">{_options(library, second)}</select></div>'
            '<button type="submit" class="hb-pair__show">Show side by side</button></form>')
    tables = "".join(f'<li><a href="{link.to(urls.question_table_path(t.id))}">{escape(t.title)}</a></li>'
                     for t in library.topics if t.questions)
    fallback = ('<noscript><div class="hb-pair__fallback"><p>Picking two councils needs JavaScript, which is '
                "off. Every council's answers are in the question tables, a table per topic:</p>"
                f"<ul>{tables}</ul></div></noscript>")
    sections = []
    for topic in library.topics:
        if not topic.questions:
            continue
        questions = "".join(
            f'<div class="hb-pair__question" data-question="{escape(q.id)}"><h3>{escape(q.text)}</h3>'
            '<div class="hb-pair__answers"><div class="hb-pair__answer" data-side="a"></div>'
            '<div class="hb-pair__answer" data-side="b"></div></div></div>'
            for q in topic.questions)
        sections.append(f'<section class="hb-pair__topic" aria-labelledby="pair-{topic.id}">'
                        f'<h2 id="pair-{topic.id}">{escape(topic.title)}</h2>{questions}</section>')
    data_dir = get_relative_url("compare/data/", here).rstrip("/")
    result = (f'<div class="hb-pair__result" id="hb-pair-result" hidden data-data="{escape(data_dir)}/" '
              f'data-root="{escape(root)}/">'
              '<h2 class="hb-pair__title" id="hb-pair-title" tabindex="-1"></h2>'
              f'{"".join(sections)}</div>')
    return "\n".join([
        front_matter("side-by-side", hide=["toc"]), "# Two councils side by side", "",
        "<p>Pick your own council and another: every comparison question, topic by topic, with both "
        "councils' answers and the clauses each answer rests on, quoted. Each council is read in its "
        "version in force (its latest version where none is in force).</p>", "",
        form, "",
        '<p class="hb-pair__status" id="hb-pair-status" role="status"></p>', "",
        fallback, "",
        result, "",
        f'<script src="{escape(get_relative_url(SCRIPT, here))}" defer></script>', ""])
