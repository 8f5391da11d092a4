"""Fixtures for the sign-off service (flaskr style): a fresh database per test, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import shutil
import secrets
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from signoff_service import create_app

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ADMIN_EMAIL = "hr@example.org"
ADMIN_PASSWORD = "correct horse battery staple"
PEOPLE_CSV = ("name,email,role,department,ward\n"
              "Jane Smith,jane@example.org,member,,North Ward\n"
              "Bob Jones,bob@example.org,officer,Planning,\n"
              "Ann Lee,ann@example.org,co-opted member,,\n")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'signoff.sqlite3'}"
        return
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432; the PostgreSQL run of this test is skipped")
    schema = f"signoff_test_{secrets.token_hex(6)}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:  # only the schema this test made; nothing else in database `test`
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def make_app(database_url, tmp_path):
    apps = []

    def make(**overrides):
        config = {"ENV": "testing", "SECRET_KEY": "test-secret-key", "DATABASE_URL": database_url,
                  "BASE_URL": "http://signoff.test",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}  # fast in tests; scrypt by default
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["signoff.engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def people_csv(tmp_path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE_CSV)
    return path


def csrf_from(html: str) -> str:
    """The token of the page's main form (the signing form, where there is one: HR's header has its own)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html.split('class="sign-form"', 1)[-1])
    assert match, "the page has no CSRF token"
    return match.group(1)


def open_round(runner, people_path, *args) -> str:
    result = runner.invoke(args=["open-round", *args, "--people", str(people_path)])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def links(runner, round_id: str) -> dict[str, str]:
    """email -> personal link path (/sign/<token>)."""
    result = runner.invoke(args=["links", round_id])
    assert result.exit_code == 0, result.output
    rows = result.stdout.strip().splitlines()
    assert rows[0] == "name,email,role,link"
    return {row.split(",")[1]: "/" + row.split(",")[-1].split("/", 3)[3] for row in rows[1:]}


def sign(client, path: str, name: str, **extra):
    page = client.get(path)
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_from(page.text), "agree": "yes", "full_name": name, "signature": ""}
    form.update(extra)
    return client.post(path, data=form)


class AuthActions:
    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
        result = self.app.test_cli_runner().invoke(args=["create-admin", email, "--password", password])
        assert result.exit_code == 0, result.output

    def login(self, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
        page = self.client.get("/admin/login")
        return self.client.post("/admin/login", data={"csrf_token": csrf_from(page.text), "email": email,
                                                      "password": password})

    def csrf(self, path="/admin/") -> str:
        return csrf_from(self.client.get(path).text)


@pytest.fixture
def auth(app, client):
    actions = AuthActions(app, client)
    actions.create()
    return actions


PROTOCOLS = Path(__file__).resolve().parents[2] / "protocols"
TWO_VERSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "testshire.yaml"
STATEMENT = "I have read this protocol and agree to follow it."


class VersionedLibrary:
    """A protocols folder: the real library plus the Testshire test fixture (invented wording), whose
    Version 2 starts as a proposal; `adopt()` records its adoption, as a council's new version would be."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(PROTOCOLS, folder)
        text = TWO_VERSIONS.read_text()
        # Version 1 in force answers the comparison questions too (the same answers as Version 2's).
        answers = text[text.index("    answers:\n"):]
        self.proposed = text.replace('  - id: v2\n    label: Version 2\n',
                                     answers + '  - id: v2\n    label: Version 2\n    stage: proposed\n')
        assert self.proposed.count("stage: proposed") == 1
        (folder / "testshire.yaml").write_text(self.proposed)

    def adopt(self, complete: bool = True) -> None:
        text = TWO_VERSIONS.read_text()
        if not complete:  # Version 2's text known only in part
            text = text.replace('    label: Version 2\n    date: "2020-01"\n    completeness: {complete: true}\n',
                                '    label: Version 2\n    date: "2020-01"\n    completeness: {complete: false}\n')
            assert "completeness: {complete: false}" in text
        (self.folder / "testshire.yaml").write_text(text)


@pytest.fixture
def versioned(tmp_path) -> VersionedLibrary:
    return VersionedLibrary(tmp_path / "protocols")
