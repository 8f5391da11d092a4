"""The library's comparisons: answers per version, three-valued coverage, the review of one
protocol against the rest."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from handbook import load_library
from handbook.compare import (ReviewIndex, add_months, compared_version, coverage, question_table, review,
                              review_due)
from handbook.model import SIGNATURE_ID
from tests.conftest import ROOT


def test_every_question_is_answered_by_every_compared_version_with_citations_that_resolve(library):
    assert len(library.questions) >= 45
    assert all(len(topic.questions) >= 2 for topic in library.topics)
    for protocol in library.protocols:
        version = compared_version(protocol)
        assert {a.question_id for a in version.answers} == {q.id for q in library.questions}, protocol.id
        for answer in version.answers:
            if answer.addressed:
                assert answer.text and answer.clause_ids, (protocol.id, answer.question_id)
            for clause_id in answer.clause_ids:
                assert version.cited(clause_id) is not None, (protocol.id, answer.question_id, clause_id)


def test_comparisons_read_the_version_in_force_not_a_later_proposal(library):
    borough = library.protocol("borough-mo-review-2017")
    in_force, proposed = borough.versions
    assert proposed.stage == "proposed" and compared_version(borough) is in_force
    question = next(q for q in library.questions if q.id == "purpose-and-status.guidance-or-binding")
    # The proposal answers differently; the question table still gives the version in force's answer.
    assert in_force.answer(question.id).value == "no" and proposed.answer(question.id).value == "conditional"
    row = next(r for r in question_table(library, library.topic("purpose-and-status")) if r.question == question)
    cell = next(c for c in row.cells if c.protocol is borough)
    assert cell.version is in_force and cell.answer.value == "no"


def test_coverage_has_three_values(library):
    rows = {row.topic.id: {cell.protocol.id: cell for cell in row.cells} for row in coverage(library)}
    assert rows["budget-advice"]["wbc"].state == "addressed"
    assert rows["budget-advice"]["hailsham"].state == "not-addressed"  # complete text, nothing on budgets
    assert rows["budget-advice"]["borough-mo-review-2017"].state == "not-known"  # only the Introduction known


def test_an_answer_can_cite_and_quote_the_signature_block(library):
    south_ribble = compared_version(library.protocol("south-ribble"))
    answer = south_ribble.answer("acknowledgement.sanctions-acknowledged")
    assert answer.value == "yes" and answer.clause_ids == (SIGNATURE_ID,)
    quoted = south_ribble.cited(SIGNATURE_ID)
    assert "could lead to sanctions being taken against me" in quoted.content[1].text


def test_add_months_keeps_the_precision_it_is_given():
    assert add_months("2018-05", 12) == "2019-05"
    assert add_months("2018-11", 3) == "2019-02"
    assert add_months("2018-05-31", 1) == "2018-06-28"
    assert add_months("2018", 12) == "2019"


def test_a_review_is_overdue_by_the_protocols_own_rule(library):
    sedgemoor = compared_version(library.protocol("sedgemoor"))  # reviewed May 2018, annual review
    due = review_due(sedgemoor, date(2019, 4, 30))
    assert (due.last_reviewed, due.every_months, due.due, due.overdue) == ("2018-05", 12, "2019-05", False)
    assert review_due(sedgemoor, date(2019, 6, 1)).overdue is True
    # South Ribble prints a blank review date and states no interval: nothing can be said.
    south_ribble = review_due(compared_version(library.protocol("south-ribble")), date(2026, 1, 1))
    assert (south_ribble.due, south_ribble.overdue, south_ribble.in_force_since) == (None, None, "2018-01")


def test_review_finds_topics_most_others_cover_and_answers_that_differ(library):
    today = date(2026, 12, 1)
    sedgemoor = review(library, library.protocol("sedgemoor"), today)
    gap = next(g for g in sedgemoor.gaps if g.topic.id == "support-services")
    assert (gap.state, gap.others_addressing) == ("not-addressed", 3)
    wbc = review(library, library.protocol("wbc"), today)
    difference = next(d for d in wbc.differences if d.question.id == "roles-of-members.day-to-day-management")
    assert difference.mine.answer.value == "not-addressed" and difference.usual_value == "yes"
    assert difference.usual_count == 3 and all(e.answer.value == "yes" for e in difference.examples)
    assert all(e.protocol.id != "wbc" for e in difference.examples)
    # The partial Borough text is never said to differ or to lack a topic: it is "not known".
    borough = review(library, library.protocol("borough-mo-review-2017"), today)
    assert all(g.state == "not-known" for g in borough.gaps)
    assert all(d.mine.answer.value != "not-known" for d in borough.differences)


def test_review_counts_what_the_others_say_not_the_reviewed_protocol(tmp_path):
    """Four copies of Sedgemoor and one WBC: for WBC, all four others answer "yes" on keeping
    councillors out of management; for each Sedgemoor, three of its four others do."""
    shutil.copytree(ROOT / "protocols", tmp_path / "protocols")
    for name in ("hailsham", "south-ribble", "borough-mo-review-2017"):
        (tmp_path / "protocols" / f"{name}.yaml").unlink()
    text = (ROOT / "protocols" / "sedgemoor.yaml").read_text()
    for i in (2, 3, 4):
        (tmp_path / "protocols" / f"sedgemoor-{i}.yaml").write_text(text.replace("id: sedgemoor", f"id: sedgemoor-{i}"))
    library = load_library(tmp_path / "protocols")
    index = ReviewIndex(library)
    wbc = index.review(library.protocol("wbc"), date(2026, 1, 1))
    difference = next(d for d in wbc.differences if d.question.id == "roles-of-members.day-to-day-management")
    assert (difference.usual_count, difference.others) == (4, 4)
    sedgemoor = index.review(library.protocol("sedgemoor"), date(2026, 1, 1))
    assert sedgemoor.differences == ()  # its others are three copies of itself and WBC


@pytest.mark.parametrize("council", ["sedgemoor", "wbc", "hailsham", "south-ribble", "borough-mo-review-2017"])
def test_review_index_agrees_with_a_review_computed_alone(library, council):
    index = ReviewIndex(library)
    protocol = library.protocol(council)
    assert index.review(protocol, date(2026, 1, 1)) == review(library, protocol, date(2026, 1, 1))
