"""Redline, topic, comparison and glossary pages as plain functions of the library, against the
real library and a fixture library (real topics plus the two-version test protocol)."""
from __future__ import annotations

import json
import shutil
from datetime import date
from html import escape

import pytest

from handbook import load_library
from handbook.citation import citation
from handbook.compare import ReviewIndex, compared_version
from handbook_site import urls
from handbook_site.changes import changes_markdown
from handbook_site.glossary_page import glossary_markdown
from handbook_site.pages import protocol_markdown
from handbook_site.review_page import review_markdown
from handbook_site.side_by_side import council_data, side_by_side_markdown
from handbook_site.topics import compare_markdown, question_table_markdown, topic_list_markdown, topic_markdown
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


def question_table(library, topic_id):
    return question_table_markdown(library, library.topic(topic_id), urls.question_table_path(topic_id))


def test_compare_page_leads_to_every_question_table_the_side_by_side_page_and_each_review(library):
    markdown = compare_markdown(library)
    for topic in library.topics:
        assert f'href="{topic.id}/"' in markdown  # its question table
    assert 'href="side-by-side/"' in markdown
    for protocol in library.protocols:
        assert f'href="../councils/{protocol.id}/review/"' in markdown
    assert "version in force" in markdown


def test_question_table_shows_value_sentence_and_the_quoted_clauses(library):
    markdown = question_table(library, "political-groups")
    assert meta(markdown)["handbook_kind"] == "questions"
    table = between(markdown, '<table class="hb-questions">', "</table>")
    assert table.count('<th scope="row">') == len(library.topic("political-groups").questions)
    south_ribble = library.protocol("south-ribble")
    answer = compared_version(south_ribble).answer("political-groups.who-decides")
    assert '<span class="hb-value hb-value--yes">Yes</span>' in table
    assert escape(answer.text) in table
    # The cited clause is quoted word for word beside the answer, and linked.
    quoted = compared_version(south_ribble).clause("c8-4").content[0].text
    assert escape(quoted) in table
    assert 'href="../../councils/south-ribble/#c8-4"' in table
    # Each cell names its council, so a phone's card (no column header) still says whose answer it is.
    assert table.count('<p class="hb-answer__council">South Ribble BC</p>') == len(library.topic("political-groups").questions)


def test_question_tables_never_guess_where_a_protocol_is_silent(library):
    markdown = question_table(library, "budget-advice")
    hailsham = '<p class="hb-answer__council">Hailsham TC</p><p class="hb-answer__value"><span class="hb-value hb-value--not-addressed"><span class="hb-silent">Not addressed</span>'
    borough = '<p class="hb-answer__council">Member / Officer Protocol</p><p class="hb-answer__value"><span class="hb-value hb-value--not-known"><span class="hb-silent">Not known</span>'
    assert markdown.count(hailsham) == 2 and markdown.count(borough) == 2


def test_a_new_council_file_adds_a_column_with_no_code_change(library, fixture_library):
    before, after = compare_markdown(library), compare_markdown(fixture_library)
    assert "Testshire DC" not in before
    heads = between(after, '<table class="hb-matrix">', "</thead>")
    assert heads.count('<th scope="col">') == len(fixture_library.protocols) + 1
    assert 'href="../councils/testshire/">Testshire DC</a>' in heads
    # Its answer to the binding question, from its version in force, cites that version's clause.
    table = question_table(fixture_library, "purpose-and-status")
    assert '<p class="hb-answer__text">Binding.</p>' in table
    assert 'href="../../councils/testshire/#c-purpose"' in table


def test_side_by_side_page_offers_every_council_and_falls_back_to_the_tables(library):
    markdown = side_by_side_markdown(library)
    assert meta(markdown)["handbook_kind"] == "side-by-side"
    for protocol in library.protocols:
        assert markdown.count(f'<option value="{protocol.id}"') == 2  # in both pickers
    for question in library.questions:
        assert f'data-question="{question.id}"' in markdown
    noscript = between(markdown, "<noscript>", "</noscript>")
    assert noscript.count("<li>") == sum(1 for t in library.topics if t.questions)
    assert 'data-data="../data/"' in markdown and 'src="../../assets/handbook/side-by-side.js"' in markdown


def test_side_by_side_data_has_every_answer_with_its_quoted_clauses(library):
    data = json.loads(council_data(library, library.protocol("sedgemoor")))
    assert data["council"] == "Sedgemoor DC" and data["version"] == "Version 2"
    assert set(data["answers"]) == {q.id for q in library.questions}
    answer = data["answers"]["access-to-information.who-decides-disputes"]
    assert answer["value"] == "yes" and answer["label"] == "Yes"
    cite = answer["cites"][0]
    assert cite["href"] == "councils/sedgemoor/#c8-4" and cite["ref"] == "para 8.4"
    assert "whose decision will be final" in " ".join(cite["quote"])
    silent = data["answers"]["budget-advice.opposition-budget-support"]
    assert silent == {"value": "not-addressed", "label": "Not addressed",
                      "text": "The protocol says nothing on this.", "cites": []}


def review_page(library, council_id, today=date(2026, 12, 1)):
    protocol = library.protocol(council_id)
    path = urls.review_path(protocol)
    return review_markdown(library, ReviewIndex(library).review(protocol, today), path, today)


def test_review_page_reports_gaps_differences_and_an_overdue_review(library):
    markdown = review_page(library, "sedgemoor")
    assert meta(markdown)["handbook_kind"] == "review"
    assert "<strong>A review is overdue</strong>: it fell due in May 2019 (as of 1 December 2026)" in markdown
    assert "Its own rule: a review every year." in markdown
    gaps = between(markdown, '<ul class="hb-review-gaps">', "</ul>")
    assert 'href="../../../topics/support-services/">Support services and council resources</a>: not addressed' in gaps
    wbc = review_page(library, "wbc")
    difference = between(wbc, "<h3>Does it keep councillors out of the day-to-day management of services?</h3>", "</section>")
    assert "Most others: " in difference and "(3 of 3)" in difference
    assert escape(compared_version(library.protocol("hailsham")).answer("roles-of-members.day-to-day-management").text) in difference
    assert "None: each of its" in wbc  # every clause in force is filed under a topic


def test_review_page_says_when_nothing_can_be_said_about_the_review_date(library):
    markdown = review_page(library, "south-ribble")
    assert "No review is recorded. It has been in force since January 2018." in markdown
    assert "sets no review date or interval" in markdown


def test_a_proposed_versions_page_shows_what_its_answers_would_become(library):
    borough = library.protocol("borough-mo-review-2017")
    proposed = borough.versions[1]
    markdown = protocol_markdown(library, borough, proposed, urls.version_path(borough, proposed), "http://s", date.today())
    part = markdown[markdown.index("{#answers-if-adopted}"):]
    assert "answers to 3 of the" in part
    assert "<h4>In force now (Before the October 2017 review)</h4>" in part
    assert escape(proposed.answer("breaches-and-sanctions.councillor-breach").text) in part
    in_force = protocol_markdown(library, borough, borough.versions[0], urls.council_path(borough), "http://s", date.today())
    assert "{#answers-if-adopted}" not in in_force and 'href="review/"' in in_force


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


def test_review_lists_clauses_in_force_filed_under_no_confirmed_topic(tmp_path):
    """An imported draft's clauses carry suggested topics until someone confirms them: until then
    no comparison reaches them, and the review says which they are."""
    shutil.copytree(ROOT / "protocols", tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "sedgemoor.yaml").read_text()
    clause = '    - id: c9-2\n      number: "9.2"\n      topics: [ward-members]\n'
    assert clause in text
    (tmp_path / "sedgemoor.yaml").write_text(text.replace(clause, clause.replace("topics:", "topics_suggested:")))
    library = load_library(tmp_path)
    markdown = review_page(library, "sedgemoor")
    untagged = between(markdown, '<ul class="hb-review-untagged">', "</ul>")
    assert 'href="../#c9-2">9.2</a> (suggested, not yet confirmed: Ward members)' in untagged
    assert untagged.count("<li>") == 1
    assert "None: each of its" in review_page(load_library(ROOT / "protocols"), "sedgemoor")


def test_topic_list_counts_a_partial_text_as_not_known(library):
    markdown = topic_list_markdown(library)
    budget = between(markdown, 'href="budget-advice/"', "</dd>")
    assert "Addressed by 2 of 5 protocols (1 only partly known, silent in the part known)." in budget
    purpose = between(markdown, 'href="purpose-and-status/"', "</dd>")
    assert "Addressed by 5 of 5 protocols." in purpose
