"""Public pages: the landing page the handbook's "Sign this protocol" button opens, /healthz and the icon."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from handbook import content_hash, signable

from .protocols import UnknownProtocol, find_version, handbook_url, library

bp = Blueprint("public", __name__)


@bp.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico on pages without <link rel="icon"> (CSV downloads, JSON errors);
    # answering with the same icon keeps their consoles free of 404s.
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/")
def index():
    return render_template("public/index.html", protocols=library().protocols)


@bp.get("/protocols/<council_id>/<version_id>/")
def protocol(council_id: str, version_id: str):
    try:
        protocol, version = find_version(council_id, version_id)
    except UnknownProtocol:
        abort(404, description="The handbook has no such protocol version. Follow the \"Sign this protocol\" button on "
                                       "the protocol's page in the handbook.")
    return render_template("public/protocol.html", protocol=protocol, version=version,
                           content_hash=content_hash(protocol, version), standing=protocol.standing(version),
                           refusal=signable(protocol, version),
                           handbook_url=handbook_url(protocol.id, version.id))
