"""The one renderer of protocol text (handbook/render.py), which the site and the service both use."""
from dataclasses import dataclass

import pytest
from markupsafe import Markup

from handbook.model import ListBlock, ListItem, Paragraph, Table
from handbook.render import UnknownBlock, block_html, version_html


@dataclass(frozen=True)
class Diagram:
    """A kind of block the renderer has never heard of."""

    caption: str


def test_an_unknown_block_is_an_error_not_dropped():
    with pytest.raises(UnknownBlock, match="cannot render a Diagram block"):
        block_html(Diagram("Who reports to whom"))


def test_a_version_holding_an_unknown_block_cannot_be_rendered(library):
    from dataclasses import replace
    protocol = library.protocol("sedgemoor")
    version = protocol.in_force
    section = version.sections[0]
    clause = replace(section.clauses[0], content=(*section.clauses[0].content, Diagram("x")))
    broken = replace(version, sections=(replace(section, items=(clause, *section.items[1:])), *version.sections[1:]))
    with pytest.raises(UnknownBlock):
        version_html(protocol, broken)


def test_text_is_escaped_once_and_labels_print_as_written():
    html = block_html(ListBlock("roman", (ListItem("Tom & Jerry's <b>", "(i)"),)))
    assert html == ('<ol class="hb-list hb-list--roman hb-list--labelled"><li><span class="hb-list__label">(i)</span> '
                    "Tom &amp; Jerry&#x27;s &lt;b&gt;</li></ol>")
    assert block_html(Paragraph("a < b")) == "<p>a &lt; b</p>"


def test_a_table_scrolls_inside_its_own_focusable_region():
    html = block_html(Table(("Members", "Officers"), ((("Lead",), ("Advise", "Implement")),), "Expectations"))
    assert html.startswith('<div class="hb-table-wrap" role="region" tabindex="0" '
                           'aria-label="Expectations (scrolls sideways)"><table class="hb-table">')
    assert '<ul class="hb-cell-lines"><li>Advise</li><li>Implement</li></ul>' in html


def test_version_html_is_markup_with_collapsible_sections(library):
    protocol = library.protocol("south-ribble")
    html = version_html(protocol, protocol.in_force, level=3, collapsible=True)
    assert isinstance(html, Markup)
    assert html.count('<details class="hb-section"') == len(protocol.in_force.sections)
    assert '<details class="hb-section" id="s1" open><summary><h3 class="hb-section__heading">1 Introduction</h3>' in html
    assert '<h4 class="hb-clause__heading" id="c1-1">' in html
    assert html.count('class="hb-signature"') == 1
