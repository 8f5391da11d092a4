"""A council whose protocol has no printed numbers (headed sections, web-page sources, Roman
lists: the fixture tests/fixtures/valid/exampleshire.yaml, invented wording) can be signed."""
import shutil
from pathlib import Path

from .conftest import links, open_round, sign

ROOT = Path(__file__).resolve().parents[2]


def test_the_unnumbered_fixture_protocol_can_be_signed(make_app, tmp_path, people_csv):
    protocols = tmp_path / "protocols"
    shutil.copytree(ROOT / "protocols", protocols)
    shutil.copy(ROOT / "tests" / "fixtures" / "valid" / "exampleshire.yaml", protocols / "exampleshire.yaml")
    app = make_app(PROTOCOLS_DIR=str(protocols))
    runner, client = app.test_cli_runner(), app.test_client()
    round_id = open_round(runner, people_csv, "exampleshire")
    path = links(runner, round_id)["jane@example.org"]
    page = client.get(path).text
    assert "I have read this invented fixture protocol and will follow it." in page
    assert "promise an outcome before the committee decides." in page and "(iii)" in page
    response = sign(client, path, "Jane Smith")
    assert response.status_code in (302, 303)
    register = runner.invoke(args=["register", round_id]).stdout
    jane = next(line for line in register.splitlines() if line.startswith("Jane Smith"))
    assert ",signed," in jane
