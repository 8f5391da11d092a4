"""Reliability of the sign-off service as deployed: gunicorn with several worker processes on one
database, many signers at once, and a server killed with SIGKILL mid-load.

Each test runs on SQLite and on PostgreSQL (the `database_url` fixture; PostgreSQL is skipped with
a reason when it is not reachable). The service runs in production mode with a generated secret,
seeded through its own CLI, exactly as HR would run it.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from .servers import BIN, REPO, Gunicorn

COUNCIL = "south-ribble"
RECEIPT_LOCATION = re.compile(r"/receipts/([A-Za-z0-9-]+)$")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Service:
    """A sign-off service instance: its settings (env) and a way to run it under gunicorn."""
    env: dict[str, str]
    database_url: str
    work: Path
    servers: list[Gunicorn] = field(default_factory=list)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), "--app", "signoff_service", *args], cwd=REPO,
                              env={**os.environ, **self.env}, capture_output=True, text=True, timeout=120)

    def open_round(self, people: int) -> tuple[str, list[tuple[str, str]]]:
        """A round for `people` people; returns (round id, [(signing link path, name on record)])."""
        people_csv = self.work / "people.csv"
        people_csv.write_text("name,email,role\n" + "".join(
            f"Signer {i:03d} Test,signer{i:03d}@example.org,{('member', 'officer')[i % 2]}\n" for i in range(people)))
        opened = self.cli("open-round", COUNCIL, "--people", str(people_csv))
        assert opened.returncode == 0, opened.stderr
        round_id = opened.stdout.strip()
        listed = self.cli("links", round_id)
        assert listed.returncode == 0, listed.stderr
        rows = list(csv.DictReader(io.StringIO(listed.stdout)))
        assert len(rows) == people
        return round_id, [(urlsplit(row["link"]).path, row["name"]) for row in rows]

    def start(self, workers: int = 2) -> Gunicorn:
        server = Gunicorn("signoff_service:create_app()", self.env, self.work / "gunicorn.log", workers=workers)
        self.servers.append(server)
        return server.start()

    def verify_ledger(self) -> str:
        result = self.cli("verify-ledger")
        assert result.returncode == 0, f"ledger does not verify: {result.stdout}{result.stderr}"
        return result.stdout.strip()


@pytest.fixture
def service(database_url, tmp_path):
    env = {"SIGNOFF_ENV": "production", "SIGNOFF_SECRET_KEY": secrets.token_urlsafe(48),
           "SIGNOFF_DATABASE_URL": database_url, "SIGNOFF_BASE_URL": "http://signoff.test"}
    instance = Service(env, database_url, tmp_path)
    init = instance.cli("init-db")
    assert init.returncode == 0, init.stderr
    yield instance
    for server in instance.servers:
        server.stop()


@dataclass
class Attempt:
    path: str
    statuses: list[int] = field(default_factory=list)
    receipt_id: str | None = None
    error: str | None = None


def sign(base_url: str, path: str, name: str, before_post=None) -> Attempt:
    """One signer with their own cookie jar: open the link, then post the form with its CSRF token."""
    attempt = Attempt(path)
    http = requests.Session()
    try:
        page = http.get(base_url + path, timeout=60)
        attempt.statuses.append(page.status_code)
        token = CSRF.search(page.text)
        if page.status_code != 200 or token is None:
            attempt.error = f"GET {page.status_code}"
            return attempt
        if before_post is not None:
            before_post()
        response = http.post(base_url + path, allow_redirects=False, timeout=60, data={
            "csrf_token": token[1], "agree": "yes", "full_name": name, "signature": ""})
        attempt.statuses.append(response.status_code)
        receipt = RECEIPT_LOCATION.search(response.headers.get("Location", ""))
        if response.status_code == 303 and receipt:
            attempt.receipt_id = receipt[1]
        else:
            attempt.error = f"POST {response.status_code}"
    except requests.RequestException as e:
        attempt.error = type(e).__name__
    finally:
        http.close()
    return attempt


def stored_signatures(database_url: str, round_id: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """(signatures by receipt id, 'signed' ledger entries by receipt id) for the round, read directly."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            signatures = {row["id"]: dict(row) for row in conn.execute(
                text("SELECT * FROM signatures WHERE round_id = :r"), {"r": round_id}).mappings()}
            entries = [dict(row) for row in conn.execute(
                text("SELECT * FROM ledger WHERE round_id = :r AND event = 'signed'"), {"r": round_id}).mappings()]
            opened = {row[0] for row in conn.execute(
                text("SELECT id FROM people WHERE round_id = :r AND first_opened_at IS NOT NULL"), {"r": round_id})}
    finally:
        engine.dispose()
    signed_entries = {json.loads(entry["details"])["receipt"]: entry for entry in entries}
    assert len(signed_entries) == len(entries), "two ledger entries name the same receipt"
    # No half-written records: each signature is whole, has its ledger entry, and its person's open.
    assert set(signed_entries) == set(signatures), "signatures and 'signed' ledger entries differ"
    for receipt_id, row in signatures.items():
        assert row["agreed"] == 1 and row["typed_name"] and row["signed_at"] and row["content_hash"]
        assert signed_entries[receipt_id]["person_id"] == row["person_id"]
        assert row["person_id"] in opened
    assert len({row["person_id"] for row in signatures.values()}) == len(signatures), "someone signed twice"
    return signatures, signed_entries


def test_fifty_concurrent_signers_on_two_worker_processes(service):
    round_id, links = service.open_round(50)
    server = service.start(workers=2)
    all_opened = threading.Barrier(len(links), timeout=60)  # then every POST goes at once

    with ThreadPoolExecutor(max_workers=len(links)) as pool:
        attempts = list(pool.map(lambda link: sign(server.url, *link, before_post=all_opened.wait), links))

    assert [a for a in attempts if a.error] == []
    assert not [s for a in attempts for s in a.statuses if s >= 500]
    receipts = {a.receipt_id for a in attempts}
    assert len(receipts) == 50
    for receipt_id in list(receipts)[:5]:  # the receipt pages are there and say what they are
        page = requests.get(f"{server.url}/receipts/{receipt_id}", timeout=30)
        assert page.status_code == 200 and receipt_id in page.text
    signatures, _ = stored_signatures(service.database_url, round_id)
    assert set(signatures) == receipts
    assert len(signatures) == 50
    register = list(csv.DictReader(io.StringIO(service.cli("register", round_id).stdout)))
    assert sorted(row["status"] for row in register) == ["signed"] * 50
    assert service.verify_ledger().startswith("ledger OK")


def test_a_flood_of_slowed_down_sign_ins_does_not_hold_up_signers(service):
    """A slowed-down HR sign-in is answered at once ("try again in N seconds"): no worker waits out
    the slow-down, so failing logins sent many at a time leave the workers free for signers."""
    service.env.update(SIGNOFF_LOGIN_MAX_FAILURES="1", SIGNOFF_LOGIN_SLOWDOWN_SECONDS="30")
    created = service.cli("create-admin", "hr@example.org", "--password", "correct horse battery staple")
    assert created.returncode == 0, created.stderr
    _, links = service.open_round(1)
    server = service.start(workers=2)

    def failed_sign_in() -> requests.Response:
        page = requests.get(server.url + "/admin/login", timeout=60)
        cookie = "; ".join(f"{c.name}={c.value}" for c in page.cookies)  # Secure: requests keeps it off http
        return requests.post(server.url + "/admin/login", allow_redirects=False, timeout=60, headers={"Cookie": cookie},
                             data={"csrf_token": CSRF.search(page.text)[1], "email": "hr@example.org",
                                   "password": "not the password"})

    assert failed_sign_in().status_code == 400  # reaches the limit: from now on, sign-in is slowed down
    with ThreadPoolExecutor(max_workers=8) as pool:
        flood = [pool.submit(failed_sign_in) for _ in range(8)]  # four per worker
        time.sleep(0.5)
        signer = requests.get(server.url + links[0][0], timeout=10)  # not 30 s behind the flood
        answers = [attempt.result() for attempt in flood]
    assert signer.status_code == 200 and 'name="full_name"' in signer.text
    assert {answer.status_code for answer in answers} == {429}
    assert all(0 < int(answer.headers["Retry-After"]) <= 30 for answer in answers)


def test_sigkill_mid_load_keeps_every_acknowledgement_whose_receipt_was_returned(service):
    round_id, links = service.open_round(240)
    server = service.start(workers=2)
    receipts_seen = threading.Semaphore(0)
    stop = threading.Event()
    attempts: list[Attempt] = []
    todo = iter(links)
    lock = threading.Lock()

    def signer() -> None:
        while not stop.is_set():
            with lock:
                link = next(todo, None)
            if link is None:
                return
            attempt = sign(server.url, *link)
            with lock:
                attempts.append(attempt)
            if attempt.receipt_id:
                receipts_seen.release()
            else:
                return  # the server is gone (any other failure fails the test below)

    threads = [threading.Thread(target=signer) for _ in range(24)]
    for thread in threads:
        thread.start()
    for _ in range(40):  # kill once 40 receipts are out, with signers still mid-request
        assert receipts_seen.acquire(timeout=60), f"signing stalled:\n{server.log()}"
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=120)

    returned = {a.receipt_id: a for a in attempts if a.receipt_id}
    assert len(returned) >= 40
    assert len(returned) < len(links), "the kill came after everyone had signed: nothing was tested"
    # Every answer the server gave before it died was the page or a receipt: no 5xx, no 4xx.
    assert {s for a in attempts for s in a.statuses} <= {200, 303}
    signatures, _ = stored_signatures(service.database_url, round_id)
    assert set(returned) <= set(signatures), "a returned receipt's acknowledgement was lost"
    assert service.verify_ledger().startswith("ledger OK")

    # After a restart: every receipt is there, signed links show their receipt (never a second
    # form), and people who had not signed still can.
    restarted = service.start(workers=2)
    for receipt_id, attempt in list(returned.items())[:10]:
        assert requests.get(f"{restarted.url}/receipts/{receipt_id}", timeout=30).status_code == 200
        again = requests.get(restarted.url + attempt.path, allow_redirects=False, timeout=30)
        assert again.status_code == 303 and again.headers["Location"].endswith(f"/receipts/{receipt_id}")
    attempted = {a.path for a in attempts}
    unsigned = [(path, name) for path, name in links if path not in attempted][:5]
    for path, name in unsigned:
        assert sign(restarted.url, path, name).receipt_id
    signatures_after, _ = stored_signatures(service.database_url, round_id)
    assert set(returned) <= set(signatures_after)
    assert len(signatures_after) == len(signatures) + len(unsigned)
    assert service.verify_ledger().startswith("ledger OK")
