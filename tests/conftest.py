from pathlib import Path

import pytest

from handbook import load_library

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def library():
    """The real protocol library, loaded once."""
    return load_library(ROOT / "protocols")
