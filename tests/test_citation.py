"""handbook.citation: the one citation string the handbook copies (and receipts may print)."""
from handbook.citation import citation


def test_numbered_clause(library):
    protocol = library.protocol("south-ribble")
    clause = protocol.current.clause("c15-2")
    assert citation(protocol, protocol.current, next(c for c in protocol.current.clauses() if c.number == "8.4")) == \
        "South Ribble BC, Member and Officer Protocol (January 2018), para 8.4"
    # A number the source does not print is bracketed, as everywhere else.
    assert citation(protocol, protocol.current, clause).endswith(", para [15.2]")


def test_unnumbered_paragraph_is_placed_by_its_section(library):
    protocol = library.protocol("south-ribble")
    version = protocol.current
    clause = version.clause("c6-intro")
    section = version.section_of("c6-intro")
    assert citation(protocol, version, clause) == (
        f"South Ribble BC, Member and Officer Protocol (January 2018), unnumbered paragraph of {section.title}")


def test_council_not_named_in_the_source_is_left_out_not_invented(library):
    protocol = library.protocol("borough-mo-review-2017")
    version = protocol.version("proposed-2017-10")
    assert protocol.council.name is None
    assert citation(protocol, version, version.clause("c-introduction-b")) == \
        "Member / Officer Protocol (Revision proposed 17 October 2017), para (b)"
    assert citation(protocol, version) == "Member / Officer Protocol (Revision proposed 17 October 2017)"
