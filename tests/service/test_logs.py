"""Working links never reach a log: gunicorn's access and error logs (through the project root's
gunicorn.conf.py, as scripts/run starts it) and the app's own logger; log files are private."""
from __future__ import annotations

import logging
import os
import secrets
import stat
import subprocess

import requests

from .conftest import PEOPLE_CSV, csrf_from
from .servers import BIN, REPO, Gunicorn


def flask_cli(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "signoff_service", *args], cwd=REPO,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gunicorn_from_the_project_root_keeps_tokens_out_of_its_logs(tmp_path):
    env = {"SIGNOFF_ENV": "production", "SIGNOFF_SECRET_KEY": secrets.token_urlsafe(48),
           "SIGNOFF_DATABASE_URL": f"sqlite:///{tmp_path / 'signoff.sqlite3'}",
           "SIGNOFF_BASE_URL": "http://signoff.test"}
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE_CSV)
    round_id = flask_cli(env, "open-round", "south-ribble", "--people", str(people)).strip()
    name, _, _, link = flask_cli(env, "links", round_id).splitlines()[1].split(",")
    link_path = "/" + link.split("/", 3)[3]
    token = link_path.rsplit("/", 1)[1]
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    with Gunicorn("signoff_service:create_app()", env, tmp_path / "gunicorn.out", workers=1,
                  extra_args=("--access-logfile", str(access_log), "--error-logfile", str(error_log),
                              "--log-level", "debug")) as server:
        page = requests.get(server.url + link_path, timeout=10)
        signed = requests.post(server.url + link_path, allow_redirects=False, timeout=10, data={
            "csrf_token": csrf_from(page.text), "agree": "yes", "full_name": name})
        assert signed.status_code == 303, signed.text
        receipt_id = signed.headers["Location"].rsplit("/", 1)[1]
        requests.get(server.url + signed.headers["Location"], timeout=10)
        requests.get(server.url + link_path + "x?next=" + token, timeout=10)  # a bad link, the token in a query
    logged = access_log.read_text() + error_log.read_text() + (tmp_path / "gunicorn.out").read_text()
    assert "GET /sign/[redacted] " in logged and "GET /receipts/[redacted] " in logged
    assert token not in logged and receipt_id not in logged
    for log in (access_log, error_log, tmp_path / "signoff.sqlite3"):
        assert stat.S_IMODE(log.stat().st_mode) & 0o077 == 0, log  # readable by the service's user only


def test_the_app_logger_redacts_the_path_of_a_failed_request(make_app, runner, people_csv, caplog, monkeypatch):
    from signoff_service import rounds
    from .conftest import links, open_round
    app = make_app(ENV="development")  # unexpected errors are logged, not raised as in testing
    app_runner = app.test_cli_runner()
    path = links(app_runner, open_round(app_runner, people_csv, "south-ribble"))["jane@example.org"]

    def fails(*args, **kwargs):
        raise RuntimeError(f"database went away while reading {path}")

    monkeypatch.setattr(rounds, "signing_link", fails)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(path)
    assert response.status_code == 500
    token = path.rsplit("/", 1)[1]
    assert "unhandled error on GET /sign/[redacted]" in caplog.text
    assert token not in caplog.text and "/sign/[redacted]" in caplog.text
