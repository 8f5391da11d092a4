"""A new protocol version: older acknowledgements show as such, and the signer sees the library's redline."""
import shutil

from .conftest import PROTOCOLS, STATEMENT, AuthActions, csrf_from, links, open_round, sign


def test_new_version_shows_older_signature_and_redline(make_app, versioned, people_csv):
    from handbook import diff_versions, load_library
    before = make_app(PROTOCOLS_DIR=str(versioned.folder))
    first = open_round(before.test_cli_runner(), people_csv, "testshire", "--statement", STATEMENT)
    sign(before.test_client(), links(before.test_cli_runner(), first)["jane@example.org"], "Jane Smith")
    versioned.adopt()  # the council adopts Version 2; a restarted service reads it
    app = make_app(PROTOCOLS_DIR=str(versioned.folder))
    client, runner = app.test_client(), app.test_cli_runner()
    second = open_round(runner, people_csv, "testshire", "--version", "v2", "--statement", STATEMENT)
    page = client.get(links(runner, second)["jane@example.org"]).text
    assert "What changed since you last signed" in page
    protocol = load_library(versioned.folder).protocol("testshire")
    diff = diff_versions(protocol, protocol.version("v1"), protocol.version("v2"))
    change = diff.changed[0]
    inserted = next(r.text for r in change.words if r.kind == "insert")
    assert f"<ins>{inserted}</ins>" in page.replace("&#39;", "'")
    assert "Version 1" in page
    # Someone who never signed sees no redline.
    assert "What changed since you last signed" not in client.get(links(runner, second)["bob@example.org"]).text
    auth = AuthActions(app, client)
    auth.create()
    auth.login()
    round_page = client.get(f"/admin/rounds/{second}").text
    jane_row = round_page.split("Jane Smith", 1)[1].split("</tr>", 1)[0]
    assert "signed an older version" in jane_row
    assert "signed an older version" not in round_page.split("Bob Jones", 1)[1].split("</tr>", 1)[0]
    register = runner.invoke(args=["register", second]).stdout
    jane = next(line for line in register.splitlines() if line.startswith("Jane Smith"))
    assert jane.split(",")[5] == "outstanding" and jane.split(",")[-1].endswith("Z")


def test_changed_protocol_text_under_the_same_version_cannot_be_signed(make_app, tmp_path, people_csv):
    protocols = tmp_path / "protocols"
    shutil.copytree(PROTOCOLS, protocols)
    app = make_app(PROTOCOLS_DIR=str(protocols))
    runner = app.test_cli_runner()
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    csrf = csrf_from(app.test_client().get(path).text)  # Jane opened the form before the text changed
    source = protocols / "south-ribble.yaml"
    text = source.read_text()
    assert text.count("sanctions being taken against me") == 1
    source.write_text(text.replace("sanctions being taken against me", "penalties being taken against me"))
    changed = make_app(PROTOCOLS_DIR=str(protocols)).test_client()  # a restarted server reads the edited file
    response = changed.get(path)
    assert response.status_code == 409 and "has changed since this sign-off round was opened" in response.text
    post = changed.post(path, data={"csrf_token": csrf, "agree": "yes", "full_name": "Jane Smith"})
    assert post.status_code == 409
    assert ",signed," not in runner.invoke(args=["register", round_id]).stdout


def test_hr_opens_the_next_round_from_the_old_one(make_app, versioned, people_csv):
    import html
    import re
    first = open_round(make_app(PROTOCOLS_DIR=str(versioned.folder)).test_cli_runner(), people_csv, "testshire",
                       "--statement", STATEMENT)
    versioned.adopt()
    app = make_app(PROTOCOLS_DIR=str(versioned.folder))
    client, runner = app.test_client(), app.test_cli_runner()
    auth = AuthActions(app, client)
    auth.create()
    auth.login()
    page = client.get(f"/admin/rounds/{first}").text
    assert "no longer in force" in page and f"/admin/rounds/new?from={first}" in page
    form = client.get(f"/admin/rounds/new?from={first}").text
    assert '<option value="testshire/v2" selected>' in form
    people = html.unescape(re.search(r'<textarea id="people" name="people"[^>]*>(.*?)</textarea>', form, re.S).group(1))
    statement = html.unescape(re.search(r'<textarea id="statement"[^>]*>(.*?)</textarea>', form, re.S).group(1))
    assert statement == STATEMENT and "Jane Smith,jane@example.org,member,,North Ward" in people
    response = client.post("/admin/rounds/new", data={"csrf_token": csrf_from(form), "due": "",
                                                      "version": "testshire/v2", "name": "Version 2 induction",
                                                      "statement": statement, "people": people})
    assert response.status_code == 303
    second = response.headers["Location"].rsplit("/", 1)[1]
    assert "no longer in force" not in client.get(f"/admin/rounds/{second}").text
    assert runner.invoke(args=["register", second]).stdout.count(",outstanding,") == 3


def test_the_demo_opens_a_new_round_when_the_text_was_corrected(make_app, tmp_path):
    """./scripts/run reruns `demo`: after a corrected transcription its old round's links refuse to
    sign (409), so the demo gives links to a round of the text as it now is."""
    import re
    protocols = tmp_path / "protocols"
    shutil.copytree(PROTOCOLS, protocols)
    first = make_app(PROTOCOLS_DIR=str(protocols)).test_cli_runner().invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    source = protocols / "south-ribble.yaml"
    corrected = source.read_text().replace("sanctions being taken against me", "penalties being taken against me")
    source.write_text(corrected)
    app = make_app(PROTOCOLS_DIR=str(protocols))
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    def round_id(output):
        return re.search(r"/admin/rounds/(\w+)", output).group(1)
    assert round_id(again.output) != round_id(first.output)
    link = re.search(r"http://signoff\.test(/sign/\S+)", again.output).group(1)
    page = app.test_client().get(link)
    assert page.status_code == 200 and "penalties being taken against me" in page.text
    assert round_id(app.test_cli_runner().invoke(args=["demo"]).output) == round_id(again.output)
