"""handbook.citation: the one citation string the handbook copies (and receipts may print)."""
from handbook.citation import citation
from handbook.load import build_protocol
from handbook.source import read_yaml
from conftest import FIXTURES


def test_numbered_clause(library):
    protocol = library.protocol("south-ribble")
    clause = protocol.in_force.clause("c15-2")
    assert citation(protocol, protocol.in_force, next(c for c in protocol.in_force.clauses() if c.number == "8.4")) == \
        "South Ribble BC, Member and Officer Protocol (January 2018), para 8.4"
    # A number the source does not print is bracketed, as everywhere else.
    assert citation(protocol, protocol.in_force, clause).endswith(", para [15.2]")


def test_unnumbered_paragraph_is_placed_by_its_section_and_neighbour(library):
    protocol = library.protocol("south-ribble")
    version = protocol.in_force
    assert citation(protocol, version, version.clause("c6-intro")) == (
        "South Ribble BC, Member and Officer Protocol (January 2018), Provision of Information and Advice, "
        "unnumbered paragraph before para 6.1")
    sedgemoor = library.protocol("sedgemoor")
    assert citation(sedgemoor, sedgemoor.in_force, sedgemoor.in_force.clause("c10-2-note")).endswith(
        ", unnumbered paragraph after para 10.2")


def test_paragraphs_of_a_headed_section_are_told_apart_and_the_short_title_is_used():
    """A protocol of headed sections without numbers (as published on web pages): each paragraph
    is cited by its section and its place, never as one of several identical "unnumbered paragraph"s."""
    protocol = build_protocol(read_yaml(FIXTURES / "valid" / "exampleshire.yaml").data)
    version = protocol.versions[-1]
    cited = [citation(protocol, version, c) for c in version.clauses()]
    assert cited[3] == "Exampleshire CC, Member/Officer Protocol (March 2024), Lobbying, paragraph 2"
    assert cited[0].endswith(", Introduction, paragraph 1")
    assert len(set(cited)) == len(cited)


def test_council_not_named_in_the_source_is_left_out_not_invented(library):
    protocol = library.protocol("borough-mo-review-2017")
    version = protocol.version("proposed-2017-10")
    assert protocol.council.name is None
    assert citation(protocol, version, version.clause("c-introduction-b")) == \
        "Member / Officer Protocol (Revision proposed 17 October 2017), para (b)"
    assert citation(protocol, version) == "Member / Officer Protocol (Revision proposed 17 October 2017)"
