"""The sign-off service served on a free loopback port for the browser tests: an HR account and one
round opened through the service's own commands, with each person's signing path."""
from __future__ import annotations

import csv
import io
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from signoff_service import create_app


class LiveService:
    def __init__(self, tmp_path: Path, *, admin_email: str, admin_password: str, people_csv: str,
                 round_name: str, link_key: str, **config):
        self.app = create_app({"ENV": "testing", "SECRET_KEY": secrets.token_urlsafe(32),
                               "DATABASE_URL": f"sqlite:///{tmp_path / 'signoff.sqlite3'}", **config})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        runner = self.app.test_cli_runner()
        assert runner.invoke(args=["create-admin", admin_email, "--password", admin_password]).exit_code == 0
        people = tmp_path / "people.csv"
        people.write_text(people_csv)
        opened = runner.invoke(args=["open-round", "south-ribble", "--due", "2099-12-31", "--people", str(people),
                                     "--name", round_name])
        assert opened.exit_code == 0, opened.output
        self.round_id = opened.stdout.strip()
        listed = runner.invoke(args=["links", self.round_id]).stdout
        # Each person's signing path, keyed by the links CSV column the tests name people by.
        self.links = {row[link_key]: urlsplit(row["link"]).path for row in csv.DictReader(io.StringIO(listed))}


def serve(live: LiveService) -> Iterator[LiveService]:
    """Serve until the caller's fixture ends (use with `yield from`)."""
    threading.Thread(target=live.server.serve_forever, daemon=True).start()
    yield live
    live.server.shutdown()
    live.app.extensions["signoff.engine"].dispose()
