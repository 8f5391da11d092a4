"""Version standing and what can be signed: computed by the library from each version's stage and order."""
from dataclasses import replace

import pytest

from handbook import Standing, load_library, signable, signable_versions
from tests.conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def testshire(tmp_path_factory):
    """The two-version fixture (Version 1, then Version 2, both complete and adopted)."""
    import shutil

    root = tmp_path_factory.mktemp("protocols")
    shutil.copy(ROOT / "protocols" / "topics.yaml", root)
    shutil.copy(FIXTURES / "valid" / "testshire.yaml", root)
    return load_library(root).protocol("testshire")


def with_stages(protocol, *stages, complete=(True, True)):
    versions = tuple(replace(v, stage=s, complete=c) for v, s, c in zip(protocol.versions, stages, complete, strict=True))
    return replace(protocol, versions=versions)


def test_the_last_adopted_version_is_in_force_and_earlier_ones_are_superseded(testshire):
    v1, v2 = testshire.versions
    assert testshire.in_force is v2 and testshire.latest is v2
    assert testshire.standing(v1) == Standing.SUPERSEDED and testshire.standing(v2) == Standing.IN_FORCE
    assert testshire.superseded_by(v1) is v2 and testshire.superseded_by(v2) is None
    assert signable(testshire, v2) is None and signable_versions(testshire) == (v2,)
    assert signable(testshire, v1) == ("Version 1 has been superseded by Version 2. "
                                       "Only the version in force (Version 2) can be signed.")


def test_a_proposal_after_the_version_in_force_is_proposed_and_cannot_be_signed(testshire):
    protocol = with_stages(testshire, "adopted", "proposed")
    v1, v2 = protocol.versions
    assert protocol.in_force is v1 and protocol.latest is v2 and protocol.default_version is v1
    assert protocol.standing(v1) == Standing.IN_FORCE and protocol.standing(v2) == Standing.PROPOSED
    assert signable(protocol, v2) == ("Version 2 is a proposed version (January 2020): the handbook records no "
                                      "adoption, so it is not in force. Only the version in force (Version 1) can be signed.")
    assert signable(protocol, v1) is None


def test_a_withdrawn_version_is_never_in_force(testshire):
    protocol = with_stages(testshire, "adopted", "withdrawn")
    v1, v2 = protocol.versions
    assert protocol.in_force is v1 and protocol.standing(v2) == Standing.WITHDRAWN
    assert signable(protocol, v2).startswith("Version 2 was withdrawn.")


def test_with_no_adopted_version_none_is_in_force_and_none_can_be_signed(testshire):
    protocol = with_stages(testshire, "proposed", "unknown")
    assert protocol.in_force is None and protocol.default_version is protocol.latest
    assert [protocol.standing(v) for v in protocol.versions] == [Standing.PROPOSED, Standing.PROPOSED]
    assert signable_versions(protocol) == ()
    assert "No version of this protocol is recorded as in force" in signable(protocol, protocol.latest)


def test_a_version_of_unknown_stage_before_the_one_in_force_is_superseded(testshire):
    protocol = with_stages(testshire, "unknown", "adopted")
    assert protocol.standing(protocol.versions[0]) == Standing.SUPERSEDED


def test_a_partial_version_in_force_cannot_be_signed(testshire):
    protocol = with_stages(testshire, "adopted", "adopted", complete=(True, False))
    assert protocol.standing(protocol.latest) == Standing.IN_FORCE
    assert signable(protocol, protocol.latest) == (
        "Only part of the text of Version 2 is known to the handbook, so it cannot be signed: "
        "a signer must be able to read the whole protocol.")


def test_the_real_library(library):
    borough = library.protocol("borough-mo-review-2017")
    before, proposed = borough.versions
    assert borough.in_force is before and borough.standing(proposed) == Standing.PROPOSED
    assert signable_versions(borough) == ()  # the version in force is known only in part
    for council in ("sedgemoor", "hailsham", "south-ribble", "wbc"):
        protocol = library.protocol(council)
        assert signable_versions(protocol) == (protocol.in_force,)


def test_standing_labels_are_for_readers():
    assert [s.label for s in Standing] == ["In force", "Superseded", "Proposed", "Withdrawn"]
    assert Standing.IN_FORCE == "in-force"
