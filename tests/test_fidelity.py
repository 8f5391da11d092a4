"""Every protocol is transcribed without loss from its source document, which is in the repository
(protocols/sources/): the words of its protocol file cover the source's words in order, page
furniture (listed with reasons in the file) aside. A missing source fails, never skips."""
from pathlib import Path

import pytest

from handbook.fidelity import fidelity
from handbook.load import protocol_paths
from handbook.source import read_yaml
from conftest import ROOT, SOURCES

PROTOCOL_FILES = protocol_paths(ROOT / "protocols")


def source_file(path: Path) -> str | None:
    return read_yaml(path).data["source"].get("file")


def test_every_protocol_names_a_source_document_that_is_in_the_repository():
    assert PROTOCOL_FILES
    missing = [f"{path.name}: source.file {source_file(path)!r} is not in protocols/sources/"
               for path in PROTOCOL_FILES if not source_file(path) or not (SOURCES / source_file(path)).is_file()]
    assert not missing, missing


def test_every_source_document_has_its_protocol_file():
    named = {source_file(path) for path in PROTOCOL_FILES}
    orphans = sorted(p.name for p in SOURCES.glob("*.txt") if p.name not in named)
    assert not orphans, f"no protocol file is transcribed from {orphans}"


@pytest.mark.parametrize("path", PROTOCOL_FILES, ids=lambda p: p.stem)
def test_protocol_is_transcribed_in_full_from_its_source(path):
    source = SOURCES / (source_file(path) or "")
    assert source.is_file(), f"{path.name}: its source document {source.name!r} is not in protocols/sources/"
    result = fidelity(source, path)
    assert result.coverage >= 0.99, f"{path.name} covers {result.coverage:.2%}; missing: {result.missing}"
    # Nothing invented either: words the source never uses are the transcriber's labels only
    # (version labels such as "Undated", ISO dates, short names).
    assert len(result.invented) <= 0.01 * result.source_words, f"{path.name} adds words: {result.invented}"


def test_a_lost_sentence_is_caught(tmp_path):
    """The check itself bites: drop one clause's words and coverage falls below the bar."""
    path = ROOT / "protocols" / "sedgemoor.yaml"
    text = path.read_text(encoding="utf-8")
    clipped = text.replace("a roving commission to examine Council documents", "", 1)
    assert clipped != text
    copy = tmp_path / path.name
    copy.write_text(clipped, encoding="utf-8")
    result = fidelity(SOURCES / source_file(path), copy)
    assert "roving commission to examine council documents" in " ".join(result.missing)
    assert result.coverage < fidelity(SOURCES / source_file(path), path).coverage
