"""`handbook validate`: every rule has one invalid fixture, tested for its exact message."""
import subprocess
import sys

import pytest
import yaml
from pathlib import Path

from handbook.cli import main
from conftest import FIXTURES, ROOT

EXPECTED = {
    "yaml-syntax.yaml": ["4:7: (document): YAML syntax error: did not find expected ',' or ']'"],
    "duplicate-key.yaml": ["4:1: title: duplicate key 'title': the later value would silently replace the earlier one"],
    "empty.yaml": ["1:1: (document): file is empty; expected a mapping"],
    "missing-field.yaml": ["20:13: versions[0].sections[0].clauses[1]: missing required field 'content'"],
    "unknown-field.yaml": [
        "21:13: versions[0].sections[0].clauses[1].nubmer: unknown field 'nubmer'; expected one of: "
        "content, editorial_notes, id, number, number_printed, title, topics, topics_suggested",
        "20:13: versions[0].sections[0].clauses[1]: missing required field 'number'; write the number as "
        "printed, or 'number: null' for a paragraph printed without one",
    ],
    "missing-number.yaml": ["20:13: versions[0].sections[0].clauses[1]: missing required field 'number'; write the "
                            "number as printed, or 'number: null' for a paragraph printed without one"],
    "bad-date.yaml": ["8:5: versions[0].date: 'January 2019' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"],
    "bad-council-type.yaml": ["2:93: council.type: 'city-state' is not allowed; expected one of: district, borough, "
                              "town, parish, county, unitary, metropolitan, london-borough, unknown"],
    "bad-clause-id.yaml": ["20:13: versions[0].sections[0].clauses[1].id: 'Clause 1.2' is not a valid id; "
                           "expected lowercase letters, digits and hyphens"],
    "bad-answer.yaml": ["82:7: versions[1].answers.raising-concerns.time-limits: missing required field 'clauses' "
                        "(clauses are required when the value is yes, no or conditional)"],
    "answer-not-an-object.yaml": ["82:7: versions[1].answers.raising-concerns.time-limits: 'Ten working days.' is not "
                                  "allowed; expected one of: not-addressed, not-known (an answer is 'not-addressed', "
                                  "'not-known', or an object {value: yes | no | conditional | not-addressed | not-known, "
                                  "answer: one plain-English sentence, clauses: [clause ids of this version]})"],
    "unquoted-yes.yaml": ["43:48: versions[1].answers.purpose-and-status.guidance-or-binding.value: True is not allowed; "
                          "YAML reads an unquoted yes or no as true or false: write it in quotes (\"yes\"); expected "
                          "one of: yes, no, conditional, not-addressed, not-known"],
    "duplicate-clause-id.yaml": ["20:13: versions[0].sections[0].clauses[1].id: duplicate clause id 'c-purpose' "
                                 "in version 'v1' (first used on line 16)"],
    "duplicate-version-id.yaml": ["24:5: versions[1].id: duplicate version id 'v1'"],
    "unknown-topic.yaml": ["22:22: versions[0].sections[0].clauses[1].topics[0]: unknown topic 'roles-of-member'; "
                           "did you mean 'roles-of-members' or 'roles-of-officers'? topics are defined in topics.yaml"],
    "unknown-suggested-topic.yaml": [
        "22:32: versions[0].sections[0].clauses[1].topics_suggested[0]: unknown topic 'role-of-officers'; "
        "did you mean 'roles-of-officers' or 'roles-of-members'? topics are defined in topics.yaml"],
    "file-name-mismatch.yaml": ["2:11: council.id: council id 'testshire' does not match the file name "
                                "'file-name-mismatch.yaml'; name the file testshire.yaml"],
    "bad-page-url.yaml": ["7:8: source.pages[0].url: 'www.testshire.example/protocol' is not a web address; "
                          "expected one starting http:// or https://"],
    "unknown-page-section.yaml": ["7:93: source.pages[0].sections[1]: no section 's-lobbying' in any version"],
    "source-without-file-or-pages.yaml": ["4:1: source: missing required field 'file' (or 'pages', for a source "
                                          "published as web pages)"],
    "clause-without-topics.yaml": ["20:13: versions[0].sections[0].clauses[1].id: clause 'c-old' has no topics; "
                                   "every clause needs at least one topic from topics.yaml"],
    "versions-out-of-order.yaml": ["26:5: versions[1].date: version 'v2' (2018-06) is dated before version 'v1' "
                                   "(2019-01); list versions oldest first"],
    "unknown-question.yaml": ["92:7: versions[1].answers.political-groups.who-pays: unknown question "
                              "'political-groups.who-pays'; questions are defined in topics.yaml and keyed "
                              "<topic-id>.<question-id>"],
    # Every unanswered question is listed, not just the first.
    "missing-answer.yaml": [f"42:5: versions[1].answers: version 'v2' does not answer question {q!r}; answer it, or say "
                            "'not-addressed' (the text is silent) or 'not-known' (the text is partial and silent)"
                            for q in ("political-groups.who-decides", "raising-concerns.time-limits")],
    # c-old is a clause of v1, not of v2, whose answer cites it.
    "answer-two-sentences.yaml": ["43:62: versions[1].answers.purpose-and-status.guidance-or-binding.answer: an answer "
                                  "is one sentence; join its parts with a semicolon or a colon, or leave the detail "
                                  "to the clauses it cites"],
    "unknown-clause-reference.yaml": ["43:101: versions[1].answers.purpose-and-status.guidance-or-binding.clauses[1]: "
                                      "cites clause 'c-old', which is not in version 'v2'"],
}


def test_every_invalid_fixture_has_an_expected_message():
    assert sorted(p.name for p in (FIXTURES / "invalid").glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_reports_its_exact_problem(name, capsys):
    path = FIXTURES / "invalid" / name
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{path}:{message}" for message in EXPECTED[name]]


def test_every_problem_in_every_file_is_reported_at_once(capsys):
    names = ["bad-date.yaml", "unknown-topic.yaml", "missing-answer.yaml"]
    assert main(["validate", *(str(FIXTURES / "invalid" / n) for n in names)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4  # missing-answer.yaml misses two answers
    assert {line.split(":")[0].rsplit("/", 1)[1] for line in out} == set(names)


def test_the_fixture_protocol_with_web_pages_unnumbered_sections_and_roman_lists_is_valid(capsys):
    assert main(["validate", str(FIXTURES / "valid" / "exampleshire.yaml")]) == 0
    assert "ok: 1 protocol file(s)" in capsys.readouterr().out


def test_validate_names_what_it_checked_as_the_user_would_type_it(capsys, monkeypatch):
    """Run from the project, the summary names the library's files relative to it, not the machine's path."""
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    summary = capsys.readouterr().out.splitlines()[0]
    assert "protocols/topics.yaml, protocols/glossary.yaml, protocols/vocabulary.yaml are valid" in summary
    assert str(root) not in summary


def test_validate_lists_clauses_whose_topics_are_only_suggested(tmp_path, capsys):
    """An imported draft validates, but its unconfirmed topic suggestions are listed for review."""
    text = (FIXTURES / "valid" / "exampleshire.yaml").read_text()
    draft = text.replace("topics: [instructions-and-pressure]\n", "topics_suggested: [instructions-and-pressure]\n", 1)
    assert draft != text
    (tmp_path / "exampleshire.yaml").write_text(draft)
    assert main(["validate", str(tmp_path / "exampleshire.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    review = [line for line in out if line.startswith("to review:")]
    assert len(review) == 1
    assert "clause 'c-lobbying-p1': suggested topics instructions-and-pressure are not yet confirmed" in review[0]
    assert "1 clause(s) have suggested topics nobody has confirmed" in out[-1]


def test_seed_protocols_are_valid(capsys):
    assert main(["validate"]) == 0
    assert "ok:" in capsys.readouterr().out


def test_duplicate_council_ids_across_files(tmp_path, capsys):
    """Each file is named after its council, so a second file for one council is in another folder."""
    valid = (FIXTURES / "valid" / "testshire.yaml").read_text()
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "testshire.yaml").write_text(valid)
    assert main(["validate", str(tmp_path / "a" / "testshire.yaml"), str(tmp_path / "b" / "testshire.yaml")]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'b' / 'testshire.yaml'}:2:" in out and "council id 'testshire' is also used by" in out


def test_validate_from_the_shell_prints_no_traceback():
    result = subprocess.run([sys.executable, "-m", "handbook", "validate", str(FIXTURES / "invalid" / "yaml-syntax.yaml")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "YAML syntax error" in result.stdout


def test_the_fast_schema_check_agrees_with_jsonschema_on_every_fixture_and_protocol():
    """The fast check decides whether jsonschema runs at all, so if it passed a file jsonschema
    rejects, that file's problems would go unreported."""
    from handbook.source import read_yaml
    from handbook.validate import _fast_check, _validator
    import fastjsonschema

    paths = sorted((FIXTURES / "invalid").glob("*.yaml")) + sorted((ROOT / "protocols").glob("*.yaml"))
    compared = 0
    for path in paths:
        doc = read_yaml(path)
        if doc.data is None:
            continue
        name = {"topics.yaml": "topics", "glossary.yaml": "glossary", "vocabulary.yaml": "vocabulary"}.get(path.name, "protocol")
        slow_valid = next(_validator(name).iter_errors(doc.data), None) is None
        try:
            _fast_check(name)(doc.data)
            fast_valid = True
        except fastjsonschema.JsonSchemaValueException:
            fast_valid = False
        assert fast_valid == slow_valid, path.name
        compared += 1
    assert compared >= 20


def _two_versions_with(tmp_path, edit) -> Path:
    data = yaml.safe_load((FIXTURES / "valid" / "testshire.yaml").read_text())
    edit(data)
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_version_in_force_must_answer_every_question_and_each_is_listed(tmp_path, capsys):
    path = _two_versions_with(tmp_path, lambda d: d["versions"][1].pop("answers"))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    from handbook import load_library
    for question in load_library().questions:
        assert f"version 'v2' does not answer question {question.id!r}" in out


def test_a_proposed_version_answers_too_but_a_superseded_one_need_not(tmp_path, capsys):
    def propose_v2(data):
        data["versions"][1]["stage"] = "proposed"
    path = _two_versions_with(tmp_path, propose_v2)
    # v1 is now the version in force and has no answers; v2, proposed, still answers everything.
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "version 'v1' does not answer question" in out and "version 'v2'" not in out
    assert main(["validate", str(FIXTURES / "valid" / "testshire.yaml")]) == 0  # v1 superseded, unanswered
