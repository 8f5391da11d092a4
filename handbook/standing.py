"""Which versions can be signed, and why not: the one rule the site and the sign-off service share.

A signer acknowledges that they have read a text and will follow it, so the text must be the one
in force (not a proposal, an old version or a withdrawn one) and must be known in full: the
library holds only part of a partial version's text, and nobody can acknowledge what is missing.
"""
from __future__ import annotations

from .dates import human_date
from .model import Protocol, ProtocolVersion, Standing


def signable(protocol: Protocol, version: ProtocolVersion) -> str | None:
    """None if `version` can be signed, else a sentence for the reader saying why not."""
    standing = protocol.standing(version)
    in_force = protocol.in_force
    follow = (f" Only the version in force ({in_force.label}) can be signed." if in_force is not None
              else " No version of this protocol is recorded as in force, so none can be signed.")
    if standing is Standing.PROPOSED:
        when = human_date(version.date)
        return (f"{version.label} is a proposed version{f' ({when})' if when else ''}: the handbook records "
                f"no adoption, so it is not in force.{follow}")
    if standing is Standing.WITHDRAWN:
        return f"{version.label} was withdrawn.{follow}"
    if standing is Standing.SUPERSEDED:
        newer = protocol.superseded_by(version)
        by = f" by {newer.label}" if newer is not None else ""
        return f"{version.label} has been superseded{by}.{follow}"
    if not version.complete:
        return (f"Only part of the text of {version.label} is known to the handbook, so it cannot be signed: "
                f"a signer must be able to read the whole protocol.")
    return None


def signable_versions(protocol: Protocol) -> tuple[ProtocolVersion, ...]:
    """The versions that can be signed today (at most one: the version in force, if complete)."""
    return tuple(v for v in protocol.versions if signable(protocol, v) is None)
