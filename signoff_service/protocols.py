"""The protocol library as the service sees it: loaded once per app through `handbook`."""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup, escape

from handbook import Library, Protocol, ProtocolVersion, VersionDiff, content_hash, diff_versions, load_library
from handbook.render import section_title
from handbook.render import version_html as render_version

from .errors import SignoffError


class ProtocolError(SignoffError):
    """A protocol version that cannot be used as asked."""


class UnknownProtocol(ProtocolError):
    """No such council or version in the library."""


def library() -> Library:
    cached = current_app.extensions.get("signoff.library")
    if cached is None:
        cached = load_library(current_app.config["PROTOCOLS_DIR"])  # None: the library's default root
        current_app.extensions["signoff.library"] = cached
    return cached


def find_version(council_id: str, version_id: str | None = None) -> tuple[Protocol, ProtocolVersion]:
    try:
        protocol = library().protocol(council_id)
        return protocol, protocol.version(version_id)
    except KeyError as e:
        raise UnknownProtocol(e.args[0]) from None


def _per_app_cache(name: str) -> dict:
    # The library is loaded once per app and never changes while it runs, so neither does anything
    # computed from it; a restarted server reloads both.
    return current_app.extensions.setdefault(name, {})


def current_hash(council_id: str, version_id: str) -> str | None:
    """The library's content hash of that version (as loaded by this app), or None if the version has gone."""
    cache = _per_app_cache("signoff.hashes")
    key = (council_id, version_id)
    if key not in cache:
        try:
            protocol, version = find_version(council_id, version_id)
            cache[key] = content_hash(protocol, version)
        except UnknownProtocol:
            cache[key] = None
    return cache[key]


def _ascii(html: str) -> Markup:
    # Every character outside ASCII as a character reference (a browser shows the same text): a page
    # that is all ASCII is encoded to UTF-8 by a plain copy, while one tick mark in a protocol's 70 kB
    # put the whole signing page through the UTF-8 encoder (about a fifth of its CPU).
    return Markup(html.encode("ascii", "xmlcharrefreplace").decode("ascii"))


def version_html(protocol: Protocol, version: ProtocolVersion) -> Markup:
    """The version's full text as HTML, by the library's renderer (the handbook's own), its sections
    collapsible; rendered once per text (its content hash), as the text cannot change under a hash."""
    cache = _per_app_cache("signoff.version_html")
    key = (protocol.id, version.id, current_hash(protocol.id, version.id))  # ids are not in the hash
    if key not in cache:
        cache[key] = _ascii(render_version(protocol, version, level=3, collapsible=True, id_prefix="text-"))
    return cache[key]


def version_contents(protocol: Protocol, version: ProtocolVersion) -> Markup:
    """The version's sections as the items of a contents list, each linking its section in
    `version_html`: part of the rendered text, so rendered once per text like it."""
    cache = _per_app_cache("signoff.version_contents")
    key = (protocol.id, version.id, current_hash(protocol.id, version.id))
    if key not in cache:
        cache[key] = _ascii("".join(f'<li><a href="#text-{escape(section.id)}">{escape(section_title(section))}</a></li>'
                                    for section in version.sections))
    return cache[key]


def redline(protocol: Protocol, old: ProtocolVersion, new: ProtocolVersion) -> VersionDiff:
    """The library's diff between two versions, computed once per pair."""
    cache = _per_app_cache("signoff.redlines")
    key = (protocol.id, old.id, new.id)
    if key not in cache:
        cache[key] = diff_versions(protocol, old, new)
    return cache[key]


def handbook_url(council_id: str, version_id: str) -> str:
    return f"{current_app.config['HANDBOOK_URL']}/councils/{council_id}/{version_id}/"


def statements_for(version: ProtocolVersion, supplied: str | None) -> tuple[tuple[str, ...], str]:
    """The acknowledgement statements for a round and where they came from ('protocol' or 'hr').

    A version with a signature block gives its own statements, verbatim. For one without, HR
    must supply the statement (recorded exactly as given, one statement per paragraph): the
    service never makes up protocol wording.
    """
    supplied = (supplied or "").replace("\r\n", "\n").strip()
    if version.signature and version.signature.statements:
        if supplied:
            raise ProtocolError("this version has its own signature statement; leave the statement empty")
        return tuple(version.signature.statements), "protocol"
    if not supplied:
        raise ProtocolError("this version has no signature block, so HR must supply the acknowledgement "
                         "statement signers will agree to")
    paragraphs = tuple(p.strip() for p in supplied.split("\n\n") if p.strip())
    return paragraphs, "hr"
