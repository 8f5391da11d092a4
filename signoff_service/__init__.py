"""The sign-off service: signed acknowledgements of an exact protocol version, and HR's view of completion.

`create_app(test_config=None)` builds the Flask app; settings are in `config.py`.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from jinja2 import StrictUndefined

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_env.undefined = StrictUndefined  # a misspelt or missing value is an error, never a blank
    app.session_interface = CookieSessionOnlyWhenSent()
    from . import config

    config.load_config(app, test_config)

    from . import admin, auth, cli, csrf, db, errors, logs, public, readable, sign

    logs.install(app.logger)
    logs.install(logging.getLogger("werkzeug"))  # flask run's request lines

    db.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    readable.init_app(app)
    app.register_blueprint(sign.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.jinja_env.globals["current_admin"] = auth.current_admin
    app.jinja_env.globals["static_url"] = static_url
    app.register_blueprint(admin.bp)
    cli.init_app(app)
    app.after_request(security_headers)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        # Flask's documented way to add WSGI middleware, which mypy reads as replacing a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def static_url(filename: str) -> str:
    """url_for("static", filename=filename), built once per file and application root (the server's
    SCRIPT_NAME): every page links the same stylesheet, icon and script."""
    urls = current_app.extensions.setdefault("signoff.static_urls", {})
    key = (request.script_root, filename)
    if key not in urls:
        urls[key] = url_for("static", filename=filename)
    return urls[key]


SECURITY_HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"),  # signing links carry tokens
                    ("X-Frame-Options", "DENY"))


# Production is served over HTTPS only (config.py): browsers are told never to try plain HTTP.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def security_headers(response):
    """Every response carries SECURITY_HEADERS (and in production HSTS), except where a view set its own."""
    present = {key.lower() for key in response.headers.keys()}
    wanted = SECURITY_HEADERS + ((HSTS,) if current_app.config["ENV"] == "production" else ())
    response.headers.extend([(key, value) for key, value in wanted if key.lower() not in present])
    return response


class CookieSessionOnlyWhenSent(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which does nothing for a request that came without a cookie
    and left the session untouched: signers never have one (see csrf.py), and the signing page is
    the busiest page."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ or not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)
        # else: nothing to set, delete or vary on, which is all Flask's own would conclude
