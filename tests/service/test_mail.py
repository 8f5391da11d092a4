"""Links and reminders by email, against a real SMTP server (aiosmtpd) on a free local port."""
import re
import socket
from email import message_from_bytes, policy

import pytest

from .conftest import open_round, sign


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=30)
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, MAIL_FROM="hr@council.example")


def test_links_by_email_from_the_round_page_then_reminders_by_cli(mail_app, smtp, people_csv):
    from .conftest import AuthActions
    client, runner = mail_app.test_client(), mail_app.test_cli_runner()
    auth = AuthActions(mail_app, client)
    auth.create()
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble", "--due", "2031-03-01")
    response = client.post(f"/admin/rounds/{round_id}/send", data={"csrf_token": auth.csrf(), "kind": "link"},
                           follow_redirects=True)
    assert "Sent 3 link emails" in response.text
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "bob@example.org", "jane@example.org"]
    jane_mail = next(m for m in smtp.messages if m["To"] == "jane@example.org")
    assert jane_mail["From"] == "hr@council.example" and "Please sign by 1 March 2031." in jane_mail.get_content()
    assert "Democratic Services" in jane_mail.get_content()  # who asks a councillor, and whom to contact
    link = re.search(r"http://signoff\.test(/sign/\S+)", jane_mail.get_content()).group(1)
    assert sign(client, link, "Jane Smith").status_code == 303
    smtp.messages.clear()
    result = runner.invoke(args=["remind", round_id])
    assert result.exit_code == 0, result.output
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "bob@example.org"]  # Jane signed
    assert all(m["Subject"].startswith("Reminder:") for m in smtp.messages)
    register = runner.invoke(args=["register", round_id]).stdout.splitlines()
    bob = next(line for line in register if line.startswith("Bob Jones"))
    assert re.search(r",\d{4}-\d\d-\d\dT[\d:.]+Z,", bob)  # link_sent_at recorded
    round_page = client.get(f"/admin/rounds/{round_id}").text
    bob_row = round_page.split("Bob Jones", 1)[1].split("</tr>", 1)[0]
    assert re.search(r"emailed \d{1,2} [A-Z][a-z]+ 20\d\d, reminded \d{1,2} [A-Z][a-z]+ 20\d\d", bob_row)
    log = client.get(f"/admin/audit?round={round_id}").text
    assert log.count("reminder sent") == 2 and log.count("link sent") == 3


def test_email_one_person(mail_app, smtp, people_csv):
    from signoff_service import db, rounds
    from .conftest import AuthActions
    client, runner = mail_app.test_client(), mail_app.test_cli_runner()
    auth = AuthActions(mail_app, client)
    auth.create()
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble")
    with mail_app.app_context(), db.reading() as conn:
        _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
    bob = next(p for p in people if p.email == "bob@example.org")
    client.post(f"/admin/rounds/{round_id}/send", data={"csrf_token": auth.csrf(), "kind": "link", "person_id": bob.id})
    assert [m["To"] for m in smtp.messages] == ["bob@example.org"]


def test_remind_without_smtp_says_how_to_configure(runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    result = runner.invoke(args=["remind", round_id])
    assert result.exit_code == 1 and "SIGNOFF_SMTP_HOST" in result.output


def test_unreachable_smtp_server_is_a_clear_error(make_app, people_csv):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    runner = app.test_cli_runner()
    round_id = open_round(runner, people_csv, "south-ribble")
    result = runner.invoke(args=["remind", round_id])
    assert result.exit_code == 1 and "cannot reach the SMTP server" in result.output
    assert "link sent" not in runner.invoke(args=["register", round_id]).output
