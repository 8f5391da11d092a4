"""Every seed document is transcribed without loss: the words of its protocol file cover the
seed's words in order, page furniture (listed with reasons in the file) aside."""
import pytest

from handbook.fidelity import fidelity
from handbook.load import protocol_paths
from handbook.source import read_yaml
from conftest import ROOT, SEEDS

SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def protocol_file_for(seed_name):
    for path in protocol_paths(ROOT / "protocols"):
        if read_yaml(path).data["source"]["file"] == seed_name:
            return path
    return None


@pytest.mark.skipif(not SEED_FILES, reason=f"the seed documents are not at {SEEDS}")
@pytest.mark.parametrize("seed_name", SEED_FILES)
def test_seed_is_transcribed_in_full(seed_name):
    path = protocol_file_for(seed_name)
    assert path is not None, f"no protocol file has source.file {seed_name}"
    result = fidelity(SEEDS / seed_name, path)
    assert result.coverage >= 0.99, f"{path.name} covers {result.coverage:.2%}; missing: {result.missing}"
    # Nothing invented either: words the source never uses are the transcriber's labels only
    # (version labels such as "Undated", ISO dates, short names).
    assert len(result.invented) <= 0.01 * result.source_words, f"{path.name} adds words: {result.invented}"


def test_a_lost_sentence_is_caught(tmp_path):
    """The check itself bites: drop one clause's words and coverage falls below the bar."""
    path = protocol_file_for("000_f4d64345417acef9.txt") if SEED_FILES else None
    if path is None:
        pytest.skip("seed 000 or its protocol file is not available")
    text = path.read_text(encoding="utf-8")
    clipped = text.replace("a roving commission to examine Council documents", "", 1)
    assert clipped != text
    copy = tmp_path / path.name
    copy.write_text(clipped, encoding="utf-8")
    result = fidelity(SEEDS / "000_f4d64345417acef9.txt", copy)
    assert "roving commission to examine council documents" in " ".join(result.missing)
