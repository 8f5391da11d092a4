"""The content hash and the clause-aligned word diff."""
import re

import pytest

from handbook import content_hash, diff_versions, load_library
from handbook.cli import main
from handbook.diff import render_diff
from conftest import FIXTURES, ROOT


@pytest.fixture
def fixture_root(tmp_path):
    (tmp_path / "topics.yaml").write_text((ROOT / "protocols" / "topics.yaml").read_text())
    (tmp_path / "testshire.yaml").write_text((FIXTURES / "valid" / "testshire.yaml").read_text())
    return tmp_path


def hash_of(root):
    protocol = load_library(root).protocol("testshire")
    return content_hash(protocol, protocol.version("v1"))


def test_hash_is_sha256_of_the_text(fixture_root):
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", hash_of(fixture_root))


def test_hash_ignores_formatting_key_order_comments_and_tags(fixture_root):
    before = hash_of(fixture_root)
    path = fixture_root / "testshire.yaml"
    text = path.read_text()
    text = text.replace('content: ["The purpose of this protocol is to guide Members and Officers."]',
                        'content:\n              - >-\n                The purpose of this protocol\n'
                        '                is to guide Members and Officers.\n            # a comment')
    text = text.replace('            number: "1.1"\n            topics: [purpose-and-status]',
                        '            topics: [purpose-and-status, roles-of-members]  # re-tagged\n            number: "1.1"', 1)
    path.write_text("# leading comment\n" + text)
    assert hash_of(fixture_root) == before


def test_hash_changes_with_any_word(fixture_root):
    before = hash_of(fixture_root)
    path = fixture_root / "testshire.yaml"
    path.write_text(path.read_text().replace("removed later.", "removed soon."))
    assert hash_of(fixture_root) != before


def test_each_seed_version_has_a_distinct_hash(library):
    hashes = [content_hash(p, v) for p in library.protocols for v in p.versions]
    assert len(set(hashes)) == len(hashes)


def test_hash_command_prints_the_library_hash(library, capsys):
    protocol = library.protocols[0]
    assert main(["hash", protocol.id]) == 0
    assert capsys.readouterr().out.strip() == content_hash(protocol)


def test_diff_aligns_clauses_by_id_not_number(fixture_root):
    protocol = load_library(fixture_root).protocol("testshire")
    diff = diff_versions(protocol, protocol.version("v1"), protocol.version("v2"))
    kinds = {c.clause_id: c.kind for c in diff.changes}
    assert kinds == {"c-new": "added", "c-purpose": "changed", "c-old": "removed"}
    purpose = next(c for c in diff.changes if c.clause_id == "c-purpose")
    assert purpose.renumbered
    assert [(r.kind, r.text) for r in purpose.words if r.kind != "equal"] == [
        ("delete", "1.1"), ("insert", "1.2"), ("insert", "binding"),
        ("delete", "guide"), ("insert", "govern")]
    # Removed clauses keep their place in reading order: c-old followed c-purpose.
    assert [c.clause_id for c in diff.changes] == ["c-new", "c-purpose", "c-old"]


def test_diff_command_prints_a_word_redline(fixture_root, capsys):
    assert main(["--root", str(fixture_root), "diff", "testshire", "v1", "v2", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 removed, 1 changed, 0 unchanged" in out
    assert "[-guide-] {+govern+}" in out


def test_the_2017_review_redlines_the_introduction(library):
    """File 003: the proposed (a) replaces the quoted Introduction; (b) and (c) are new."""
    protocol = library.protocol("borough-mo-review-2017")
    old, new = protocol.versions
    diff = diff_versions(protocol, old, new)
    assert [c.kind for c in diff.changes] == ["changed", "added", "added"]
    intro = diff.changes[0]
    deleted = " ".join(r.text for r in intro.words if r.kind == "delete")
    inserted = " ".join(r.text for r in intro.words if r.kind == "insert")
    assert {"purpose", "guide", "relationships"} <= set(deleted.split())
    assert {"framework", "interaction", "efficiently"} <= set(inserted.split())
    assert new.stage == "proposed" and old.complete is False
    assert "[-" in render_diff(diff)
