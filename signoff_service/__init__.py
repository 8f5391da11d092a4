"""The sign-off service: signed acknowledgements of an exact protocol version, and HR's view of completion.

`create_app(test_config=None)` builds the Flask app; settings are in `config.py`.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = CookieSessionOnlyWhenSent()
    from . import config

    config.load_config(app, test_config)

    from . import admin, auth, cli, csrf, db, errors, public, sign

    db.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    app.register_blueprint(sign.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.jinja_env.globals["current_admin"] = auth.current_admin
    app.register_blueprint(admin.bp)
    cli.init_app(app)
    app.after_request(security_headers)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # signing links carry tokens
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class CookieSessionOnlyWhenSent(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which builds its serializer only when a cookie came with the
    request: signers never have one (see csrf.py), and the signing page is the busiest page."""

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
