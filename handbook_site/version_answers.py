"""On a protocol's own pages: how it compares (links to its review and to the side-by-side page),
and on a proposed version's page what its answers to the comparison questions would become."""
from __future__ import annotations

from html import escape

from handbook.compare import AnswerCell, compared_version
from handbook.model import Library, Protocol, ProtocolVersion, Standing

from . import urls
from .answers import answer_html


def comparison_markdown(library: Library, protocol: Protocol, version: ProtocolVersion, link: urls.Linker) -> list[str]:
    compared = compared_version(protocol)
    if version is compared:
        return ["## How it compares {#how-it-compares}", "",
                f'<ul class="hb-compare-ways"><li><a href="{link.to(urls.review_path(protocol))}">Review this '
                "protocol against the rest</a>: topics most others cover that it does not, answers where it "
                f'differs, and whether its review is overdue.</li><li><a href="{link.to(urls.side_by_side_path())}'
                f'?a={escape(protocol.id)}">Put it side by side with another council</a>, question by question.'
                "</li></ul>", ""]
    if protocol.standing(version) is not Standing.PROPOSED or not version.answers:
        return []
    changed = []
    for question in library.questions:
        now, proposed = compared.answer(question.id), version.answer(question.id)
        if (now.value, now.text, now.clause_ids) == (proposed.value, proposed.text, proposed.clause_ids):
            continue
        changed.append(f'<section class="hb-review-difference"><h3>{escape(question.text)}</h3>'
                       f'<div class="hb-review-difference__pair"><div><h4>In force now ({escape(compared.label)})</h4>'
                       f"{answer_html(link, AnswerCell(protocol, compared, now), quotes='none')}</div>"
                       f"<div><h4>If this proposal were adopted</h4>"
                       f"{answer_html(link, AnswerCell(protocol, version, proposed), quotes='open')}</div></div></section>")
    intro = (f"<p>The comparisons read the version in force. Were this proposal adopted, its answers to "
             f"{len(changed)} of the {len(library.questions)} comparison questions would change as below; the "
             "others would stay as they are.</p>")
    return ["## What its answers would become {#answers-if-adopted}", "", intro, "", *changed, ""]
