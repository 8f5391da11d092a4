"""The plugin keeps generated HTML blocks away from the Markdown parser and puts them back intact."""
import markdown

from handbook_site import fragments


def test_html_blocks_round_trip_through_markdown_unchanged():
    source = ("---\nhandbook_kind: protocol\n---\n\n# Title\n\n"
              '<div class="hb-clause"><h3 id="c1">1.1</h3><p>a &amp; b <em>c</em></p></div>\n\n'
              "## 2 Section {#s2}\n\n<table><tr><td>x</td></tr></table>\n\n<!-- a comment -->\n")
    stashed, blocks = fragments.stash(source)
    assert len(blocks) == 2 and "hb-clause" not in stashed and "<table>" not in stashed
    assert stashed.startswith("---\nhandbook_kind: protocol\n---\n")
    body = stashed.split("---\n", 2)[2]
    html = fragments.restore(markdown.markdown(body, extensions=["attr_list"]), blocks)
    assert '<div class="hb-clause"><h3 id="c1">1.1</h3><p>a &amp; b <em>c</em></p></div>' in html
    assert "<table><tr><td>x</td></tr></table>" in html
    assert '<h2 id="s2">2 Section</h2>' in html
    assert "hb-fragment" not in html


def test_pages_without_html_are_left_alone():
    assert fragments.stash("# Title\n\nText.\n") == ("# Title\n\nText.\n", [])
    assert fragments.restore("<p>x</p>", []) == "<p>x</p>"
