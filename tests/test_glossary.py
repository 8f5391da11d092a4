"""The roles glossary: its validation, and finding roles in clause text for links."""
import pytest

from handbook import GlossaryTerm, find_terms, term_uses, terms_in_clause
from handbook.cli import main
from conftest import FIXTURES

GLOSSARY = (
    GlossaryTerm("town-clerk", "Town Clerk", "Chief officer of a town council.", ("Clerk",)),
    GlossaryTerm("director", "Director", "Leads a directorate.", ("Directors",)),
    GlossaryTerm("cabinet", "Cabinet", "The executive."),
    GlossaryTerm("cabinet-member", "Cabinet Member", "Sits on the Cabinet.", ("Cabinet Members",)),
)


def names(text):
    return [(text[m.start:m.end], m.term.id) for m in find_terms(text, GLOSSARY)]


def test_longest_name_wins_so_a_role_is_not_split():
    assert names("The Town Clerk and the Clerk's deputy") == [("Town Clerk", "town-clerk"), ("Clerk", "town-clerk")]
    assert names("Cabinet Members report to Cabinet") == [("Cabinet Members", "cabinet-member"), ("Cabinet", "cabinet")]


def test_only_whole_words_and_the_printed_capitalisation_match():
    assert names("the Directorate and a director") == []
    assert names("all Directors, (Director)") == [("Directors", "director"), ("Director", "director")]


def test_an_empty_glossary_finds_nothing():
    assert find_terms("Monitoring Officer", ()) == []


def test_real_clauses_link_to_the_roles_they_name(library):
    sedgemoor = library.protocol("sedgemoor").in_force
    used = {t.id for c in sedgemoor.clauses() for t in terms_in_clause(c, library.glossary)}
    assert {"monitoring-officer", "section-151-officer", "portfolio-holder"} <= used
    hailsham = library.protocol("hailsham").in_force
    assert "rfo" in {t.id for c in hailsham.clauses() for t in terms_in_clause(c, library.glossary)}


def test_every_glossary_role_is_used_by_some_current_clause(library):
    unused = [t.id for t in library.glossary if not term_uses(library, t)]
    assert unused == []


def test_the_glossary_asked_for_by_the_handbook_is_there(library):
    assert {"Monitoring Officer", "Section 151 Officer", "Head of Paid Service", "Group Leader",
            "Portfolio Holder", "Town Clerk", "RFO"} <= {n for t in library.glossary for n in t.names}


@pytest.mark.parametrize("case, expected", [
    ("duplicate-name", "7:15: terms[1].aliases[0]: 'Chief Executive' is already a name of glossary term 'chief-executive'"),
    ("missing-definition", "4:5: terms[0].definiton: unknown field 'definiton'; expected one of: aliases, definition, id, term"),
])
def test_invalid_glossary_is_reported_with_its_place(case, expected, capsys):
    path = FIXTURES / "invalid-glossary" / case / "glossary.yaml"
    assert main(["validate", str(path)]) == 1
    assert f"{path}:{expected}" in capsys.readouterr().out
