"""`handbook show`, and clear errors rather than tracebacks."""
from handbook.cli import main


def test_show_prints_the_whole_protocol_in_order(library, capsys):
    protocol = library.protocol("sedgemoor")
    assert main(["show", "sedgemoor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sedgemoor District Council")
    clause_numbers = [c.number for c in protocol.in_force.clauses() if c.number]
    positions = [out.index(f"\n{n}\n") for n in clause_numbers]
    assert positions == sorted(positions)


def test_show_one_clause_by_number_or_id(capsys):
    assert main(["show", "sedgemoor", "8.3"]) == 0
    by_number = capsys.readouterr().out
    assert "roving commission" in by_number
    assert main(["show", "sedgemoor", "c8-3"]) == 0
    assert capsys.readouterr().out == by_number


def test_unknown_council_or_clause_is_a_clear_error(capsys):
    assert main(["show", "atlantis"]) == 1
    assert "no protocol for council 'atlantis'" in capsys.readouterr().err
    assert main(["show", "sedgemoor", "99.9"]) == 1
    assert "has no clause with id or number '99.9'" in capsys.readouterr().err


def test_answers_prints_each_answer_beside_the_text_it_cites(capsys):
    assert main(["answers", "sedgemoor"]) == 0
    out = capsys.readouterr().out
    part = out[out.index("access-to-information.who-decides-disputes"):]
    part = part[: part.index("\n\n")]
    assert "[yes] The Monitoring Officer" in part
    assert "> 8.4" in part and "whose decision will be final" in part
    assert "[not-addressed]" in out
