"""Redline, topic, comparison and glossary pages as plain functions of the library, against the
real library and a fixture library (real topics plus the two-version test protocol)."""
from __future__ import annotations

import shutil
from html import escape

import pytest

from handbook import load_library
from handbook.citation import citation
from handbook.compare import compared_version
from handbook_site import urls
from handbook_site.changes import changes_markdown
from handbook_site.glossary_page import glossary_markdown
from handbook_site.topics import compare_markdown, topic_markdown
from tests.conftest import FIXTURES, ROOT
from tests.site.test_pages import meta


@pytest.fixture
def fixture_library(tmp_path):
    """The real topics and glossary with the real protocols plus one more council's file."""
    shutil.copytree(ROOT / "protocols", tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "valid" / "testshire.yaml", tmp_path / "testshire.yaml")
    return load_library(tmp_path)


def redline(library, council_id):
    protocol = library.protocol(council_id)
    old, new = protocol.versions[0], protocol.versions[1]
    return changes_markdown(protocol, old, new, urls.changes_path(protocol, old, new),
                            {t.id: t for t in library.topics}, library.glossary)


def test_redline_of_the_2017_introduction_shows_word_insertions_and_deletions(library):
    markdown = redline(library, "borough-mo-review-2017")
    assert meta(markdown)["handbook_kind"] == "redline"
    assert '<ins class="hb-ins"><span class="hb-sr-only" data-pagefind-ignore>[inserted: </span>' in markdown
    assert '<del class="hb-del"><span class="hb-sr-only" data-pagefind-ignore>[deleted: </span>' in markdown
    assert "(a) (was unnumbered): changed" in markdown
    assert "1 changed, 2 added, 0 removed, 0 unchanged." in markdown
    # The Monitoring Officer's report that proposed it, with its own ids so none clash.
    assert "Review of Member / Officer Protocol" in markdown and 'id="report-r1-1"' in markdown


def test_redline_aligns_by_clause_id_and_links_both_versions(fixture_library):
    markdown = redline(fixture_library, "testshire")
    assert "1.1: added" in markdown  # c-new
    assert "1.2 (was 1.1): changed" in markdown  # c-purpose renumbered and reworded
    assert "1.2: removed" in markdown  # c-old
    assert 'href="../../v1/">Version 1</a> (superseded)' in markdown
    assert 'href="../../v2/">Version 2</a> (in force)' in markdown
    assert 'href="../../#c-purpose"' in markdown  # the clause in the version in force
    assert 'href="../../v1/#c-old"' in markdown  # a removed clause, where it last stood


def test_topic_page_sets_every_councils_clauses_side_by_side(library):
    topic = library.topic("access-to-information")
    markdown = topic_markdown(library, topic, urls.topic_path(topic.id))
    assert meta(markdown)["handbook_kind"] == "topic"
    assert escape(topic.definition) in markdown
    sedgemoor = library.protocol("sedgemoor")
    clause = sedgemoor.in_force.clause("c8-3")
    assert 'href="../../councils/sedgemoor/#c8-3">8.3</a>' in markdown
    assert escape(citation(sedgemoor, sedgemoor.in_force, clause)) in markdown
    for protocol in library.protocols:
        assert f'id="council-{protocol.id}"' in markdown


def between(text: str, start: str, end: str) -> str:
    """The part of `text` from `start` up to the next `end`."""
    part = text[text.index(start):]
    return part[: part.index(end)]


def test_topic_page_tells_silence_from_a_text_not_known(library):
    topic = library.topic("budget-advice")
    markdown = topic_markdown(library, topic, urls.topic_path(topic.id))
    # Hailsham's protocol is complete and says nothing on budgets: not addressed.
    hailsham = between(markdown, 'id="council-hailsham"', "</section>")
    assert "Not addressed" in hailsham and "Not known" not in hailsham
    # Only the Borough protocol's Introduction is known: whether the rest covers budgets is not known.
    borough = between(markdown, 'id="council-borough-mo-review-2017"', "</section>")
    assert "Not known" in borough and "Not addressed" not in borough


def test_coverage_matrix_links_clauses_and_marks_silence(library):
    markdown = compare_markdown(library)
    matrix = between(markdown, '<table class="hb-matrix">', "</table>")
    assert matrix.count("<tr>") == len(library.topics) + 1
    assert 'href="../councils/sedgemoor/#c8-3"' in matrix
    assert '<span class="hb-silent">Not addressed</span>' in matrix


def test_question_tables_cite_each_answer_and_never_guess(library):
    markdown = compare_markdown(library)
    for topic in library.topics:
        for question in topic.questions:
            assert escape(question.text) in markdown
    sedgemoor = library.protocol("sedgemoor")
    answered = next(a for a in compared_version(sedgemoor).answers if a.addressed and a.clause_ids)
    assert escape(answered.text) in markdown
    assert f'href="../councils/sedgemoor/#{answered.clause_ids[0]}"' in markdown
    questions = markdown[markdown.index("## Purpose and status"):]
    for value, label in (("not-addressed", "Not addressed"), ("not-known", "Not known")):
        silent = sum(1 for p in library.protocols for a in compared_version(p).answers if a.value == value)
        assert questions.count(f">{label}</span>") == silent


def test_a_new_council_file_adds_a_column_with_no_code_change(library, fixture_library):
    before, after = compare_markdown(library), compare_markdown(fixture_library)
    assert "Testshire DC" not in before
    heads = between(after, '<table class="hb-matrix">', "</thead>")
    assert heads.count('<th scope="col">') == len(fixture_library.protocols) + 1
    assert 'href="../councils/testshire/">Testshire DC</a>' in heads
    # Its answer to the binding question cites its clause in the version in force.
    assert 'Binding.<span class="hb-answer__cites"> (<a href="../councils/testshire/#c-purpose"' in after


def test_glossary_defines_each_role_and_lists_the_clauses_using_it(library):
    markdown = glossary_markdown(library)
    assert meta(markdown)["handbook_kind"] == "glossary"
    for term in library.glossary:
        assert f"{{#{term.id}}}" in markdown
        assert escape(term.definition) in markdown
    monitoring = markdown[markdown.index("{#monitoring-officer}"):]
    monitoring = monitoring[: monitoring.index("\n## ")]
    assert 'href="../councils/sedgemoor/#c8-4"' in monitoring


def test_glossary_uses_agree_with_the_librarys_term_uses(library):
    from handbook import term_uses
    from handbook_site.glossary_page import uses_by_term

    uses = uses_by_term(library)
    for term in library.glossary:
        assert [(p.id, c.id) for p, c in uses[term.id]] == [(p.id, c.id) for p, c in term_uses(library, term)]
