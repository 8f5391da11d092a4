"""Only the version in force, with its full text, can be signed: open-round, HR's form and every suggestion."""
import html
import re

from .conftest import PEOPLE_CSV, STATEMENT, AuthActions, open_round


def test_open_round_refuses_a_partial_or_proposed_version_and_opens_nothing(runner, client, auth, people_csv):
    partial = runner.invoke(args=["open-round", "borough-mo-review-2017", "--statement", STATEMENT,
                                  "--people", str(people_csv)])
    assert partial.exit_code == 1 and partial.stdout == ""
    assert ("error: Only part of the text of Before the October 2017 review is known to the handbook, "
            "so it cannot be signed") in partial.stderr
    proposed = runner.invoke(args=["open-round", "borough-mo-review-2017", "--version", "proposed-2017-10",
                                   "--statement", STATEMENT, "--people", str(people_csv)])
    assert proposed.exit_code == 1
    assert ("Revision proposed 17 October 2017 is a proposed version (17 October 2017): the handbook records no "
            "adoption, so it is not in force.") in proposed.stderr
    assert "Traceback" not in partial.output + proposed.output
    assert runner.invoke(args=["verify-ledger"]).stdout.splitlines()[0] == "ledger OK: 1 entries"  # only the HR account's
    auth.login()
    assert "No rounds yet" in client.get("/admin/").text


def test_open_round_refuses_a_superseded_version(make_app, versioned, people_csv):
    versioned.adopt()
    runner = make_app(PROTOCOLS_DIR=str(versioned.folder)).test_cli_runner()
    refused = runner.invoke(args=["open-round", "testshire", "--version", "v1", "--statement", STATEMENT,
                                  "--people", str(people_csv)])
    assert refused.exit_code == 1
    assert "Version 1 has been superseded by Version 2. Only the version in force (Version 2) can be signed." \
        in refused.stderr
    assert open_round(runner, people_csv, "testshire", "--statement", STATEMENT)  # the version in force opens


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags (attribute values, such as a form's option values, are not shown)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]))


def test_hr_form_groups_versions_by_council_under_readable_names(client, auth, library):
    auth.login()
    form = client.get("/admin/rounds/new").text
    groups = re.findall(r'<optgroup label="([^"]+)">', form)
    assert sorted(groups, key=str.casefold) == groups
    assert set(groups) == {p.council.display_name for p in library.protocols}
    assert "An unnamed borough council" in groups
    for protocol in library.protocols:  # no council or version id where a reader looks
        assert protocol.id not in visible_text(form)
        for version in protocol.versions:
            if version.id not in version.label:
                assert version.id not in visible_text(form), version.id
    options = dict(re.findall(r'<option value="([^"]+)"( disabled)?', form))
    assert options["south-ribble/2018-01"] == "" and options["sedgemoor/v2"] == ""
    assert options["borough-mo-review-2017/proposed-2017-10"] == " disabled"
    assert options["borough-mo-review-2017/before-2017-review"] == " disabled"
    assert "Member / Officer Protocol: Revision proposed 17 October 2017 (proposed; cannot be signed)" in form
    assert "Before the October 2017 review (only part of its text is known; cannot be signed)" in form


def test_hr_form_refuses_a_version_that_cannot_be_signed(client, auth):
    auth.login()
    response = client.post("/admin/rounds/new", data={
        "csrf_token": auth.csrf("/admin/rounds/new"), "version": "borough-mo-review-2017/proposed-2017-10",
        "statement": STATEMENT, "due": "", "people": PEOPLE_CSV, "name": "Borough induction"})
    assert response.status_code == 400
    assert "The round was not opened" in response.text and "is a proposed version" in response.text
    assert "No rounds yet" in client.get("/admin/").text


def test_no_next_round_is_suggested_when_the_new_version_cannot_be_signed(make_app, versioned, people_csv):
    first = open_round(make_app(PROTOCOLS_DIR=str(versioned.folder)).test_cli_runner(), people_csv, "testshire",
                       "--statement", STATEMENT)
    versioned.adopt(complete=False)  # adopted, but only part of its text is known
    app = make_app(PROTOCOLS_DIR=str(versioned.folder))
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create()
    auth.login()
    page = " ".join(client.get(f"/admin/rounds/{first}").text.split())
    assert "<strong>Version 1</strong>, is no longer in force: it is superseded." in page
    assert "No version of this protocol can be signed at present" in page
    assert "/admin/rounds/new?from=" not in page
    form = client.get(f"/admin/rounds/new?from={first}").text
    assert " selected>" not in form  # nothing that cannot be signed is pre-selected
