"""The search vocabulary: its validation, and finding its ideas in protocol and reader text."""
import pytest

from handbook import VocabularyEntry, entries_in, index_words, reader_words, suggest_topics
from handbook.cli import main
from handbook.text import clause_text
from conftest import FIXTURES

VOCABULARY = (
    VocabularyEntry("member", ("member", "members"), ("councillor", "cllr")),
    VocabularyEntry("media", ("press", "media", "press release"), ("journalist",), ("media-and-social-media",)),
    VocabularyEntry("undue-pressure", ("undue pressure", "pressure"), ("lobbying",), ("instructions-and-pressure",)),
)


def test_protocol_words_bring_the_reader_words_as_whole_words():
    assert reader_words("Members must not put officers under undue pressure.", VOCABULARY) == ("councillor", "cllr", "lobbying")
    # "press" inside "pressure" is not the press: the reason "press releases" used to find pressure
    assert [e.id for e in entries_in("undue pressure", VOCABULARY)] == ["undue-pressure"]
    assert reader_words("a PRESS\nRelease", VOCABULARY) == ("journalist",)


def test_reader_words_suggest_topics_most_mentioned_first():
    assert suggest_topics("A journalist rang; the press office and the media team", VOCABULARY)[0] == "media-and-social-media"
    assert suggest_topics("lobbying a councillor", VOCABULARY) == ("instructions-and-pressure",)
    assert suggest_topics("nothing here", VOCABULARY) == ()


def test_the_handbook_vocabulary_covers_every_topic_and_the_issue_words(library):
    covered = {t for entry in library.vocabulary for t in entry.topics}
    assert [t.id for t in library.topics if t.id not in covered] == []
    by_reader = {w.casefold(): e for e in library.vocabulary for w in e.reader_words}
    for reader, protocol in [("councillor", "member"), ("staff", "employee"), ("journalist", "press"),
                             ("complaint", "concern"), ("lobbying", "undue pressure"), ("friends", "familiarity"),
                             ("bullying", "abusive"), ("party meeting", "group meeting")]:
        entry = by_reader.get(reader) or next(e for e in library.vocabulary if reader in e.protocol_words)
        assert protocol in {w.casefold() for w in entry.protocol_words}, (reader, protocol)


def test_real_clauses_state_vocabulary_ideas(library):
    sedgemoor = library.protocol("sedgemoor").in_force
    words = {w for c in sedgemoor.clauses() for w in index_words(clause_text(c), library.vocabulary)}
    assert {"councillor", "lobbying", "journalist", "bully", "complain"} <= words


def test_a_clause_is_found_by_every_word_for_its_ideas_in_any_form():
    # the other protocols' words for the idea too, not only the readers'; "pressures" is "pressure"
    assert index_words("An officer under pressures", VOCABULARY) == ("undue pressure", "pressure", "lobbying")
    assert set(index_words("A Member", VOCABULARY)) == {"member", "members", "councillor", "cllr"}
    # an ending, not another word: "pressured" is "pressure", "pressman" is nothing
    assert [e.id for e in entries_in("pressured", VOCABULARY)] == ["undue-pressure"]
    assert entries_in("pressman", VOCABULARY) == []


@pytest.mark.parametrize("case, expected", [
    ("unknown-topic", "6:38: entries[0].topics[1]: unknown topic 'lobbying'; topics are defined in topics.yaml"),
    ("duplicate-id", "6:5: entries[1].id: duplicate vocabulary id 'member'"),
])
def test_invalid_vocabulary_is_reported_with_its_place(case, expected, capsys):
    path = FIXTURES / "invalid-vocabulary" / case / "vocabulary.yaml"
    assert main(["validate", str(path)]) == 1
    assert f"{path}:{expected}" in capsys.readouterr().out


def test_a_misspelt_vocabulary_field_is_named(tmp_path, capsys):
    path = tmp_path / "vocabulary.yaml"
    path.write_text("entries:\n  - id: a\n    protocol: [x]\n    readers: [y]\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:4:5: entries[0].readers: unknown field 'readers'" in out
    assert f"{path}:2:5: entries[0]: missing required field 'reader'" in out


def test_a_side_names_members_officers_or_the_public_only(library, tmp_path, capsys):
    sides = {e.id: e.side for e in library.vocabulary if e.side}
    assert sides["member"] == "member" and sides["officer"] == "officer" and sides["public"] == "public"
    path = tmp_path / "vocabulary.yaml"
    path.write_text("entries:\n  - id: a\n    side: mayor\n    protocol: [x]\n    reader: [y]\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"{path}:3:5: entries[0].side: 'mayor' is not allowed; expected one of: member, officer, public" in capsys.readouterr().out
