"""Load on the sign-off service under gunicorn, beside bare Flask ceilings measured in the same run.

    .venv/bin/python bench/signoff_load.py [--people 10000] [--signatures 3000] [--signers 50]
                                           [--workers 4] [--rounds 3] [--seconds 5] [--max-seconds 60]

Needs wrk (Debian package `wrk`). Everything runs on loopback in a temporary directory: a fresh
SQLite instance of the service, seeded through its own CLI (create-admin, open-round with --people
synthetic people, links), served by gunicorn with --workers sync workers; and bench/bare_app.py
under the same gunicorn settings, both up at once. Each pair is driven by the same driver with the
same settings, and every measurement is made in --rounds passes interleaved with the others, so
other load on the machine falls on the service and its ceiling alike:

- signing (bench/signer_driver.py, --signers concurrent signers in separate processes):
  --signatures people open their personal link once (GET: keeps the form's CSRF token, and any
  cookie), then each of them signs once (POST the form; 303 to the receipt). Beside it, the same
  driver POSTs the same form as many times to each of the bare app's one-durable-insert
  endpoints (writers waiting in SQLite's busy handler, as the issue measured; and writers queued
  on a file lock, as the service does); the target is checked against each: the busy-handler
  insert is the ceiling as the issue defines it, the flock-queued one is stricter.
  Each pass stops at --max-seconds.
- pages (wrk, --signers connections, --seconds a pass): the signing page (a repeat view), the HR
  dashboard and the HR round page (logged in) with --people people in the round; beside the bare
  constant endpoint.

Targets (issue 11): signing >= 60% of the durable-insert ceiling with p99 < 150 ms; (issue 4) the signing
page >= 50% of the constant endpoint.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import secrets
import sqlite3
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests" / "service"))
from servers import BIN, Gunicorn  # noqa: E402  (the one gunicorn launcher, shared with the tests)

sys.path.insert(0, str(BENCH))
import bare_app  # noqa: E402
import request_cpu  # noqa: E402
import signer_driver  # noqa: E402
from signer_driver import Job, percentile  # noqa: E402

ROLES = ("member", "officer", "co-opted member")
COUNCIL = "south-ribble"


@dataclass
class Pass:
    """One measured pass: answers that were right, wrong, over how long, and latencies."""
    ok: int
    bad: int
    seconds: float
    p50_ms: float
    p99_ms: float
    latencies_ms: list[float] | None = None  # all of them, when the driver keeps them
    detail: str = ""
    driver_cpu_seconds: float | None = None


@dataclass
class Figures:
    """The passes of one measurement, interleaved with the others' through the run."""
    label: str
    unit: str
    passes: list[Pass] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(p.ok for p in self.passes)

    @property
    def bad(self) -> int:
        return sum(p.bad for p in self.passes)

    @property
    def rate(self) -> float:
        seconds = sum(p.seconds for p in self.passes)
        return self.ok / seconds if seconds else 0.0

    @property
    def p50_ms(self) -> float:
        if all(p.latencies_ms is not None for p in self.passes):
            return percentile(sorted(x for p in self.passes for x in p.latencies_ms), 50)
        return statistics.median(p.p50_ms for p in self.passes)

    @property
    def p99_ms(self) -> float:
        if all(p.latencies_ms is not None for p in self.passes):
            return percentile(sorted(x for p in self.passes for x in p.latencies_ms), 99)
        return max(p.p99_ms for p in self.passes)  # wrk gives percentiles per pass: the worst pass

    def line(self) -> str:
        rates = " ".join(f"{p.ok / p.seconds:.0f}" for p in self.passes)
        text = (f"{self.label:<44} {self.rate:7.0f} {self.unit:<5} p50 {self.p50_ms:6.1f} ms  "
                f"p99 {self.p99_ms:6.1f} ms  (passes: {rates})")
        if self.bad:
            text += f"  {self.bad} FAILED: " + " ".join(p.detail for p in self.passes if p.bad)[:300]
        return text


def parse_wrk(output: str) -> Pass:
    result = re.search(r"RESULT ok=(\d+) bad=(\d+) span_us=(\d+) errors=(\d+)", output)
    latency = re.search(r"LATENCY p50=(\d+) p99=(\d+)", output)
    if not result or not latency:
        raise RuntimeError(f"wrk gave no figures:\n{output}")
    ok, bad, span_us, socket_errors = map(int, result.groups())
    detail = re.search(r"ERRORS .*", output)[0] if socket_errors else ""
    return Pass(ok, bad + socket_errors, span_us / 1e6, int(latency[1]) / 1000, int(latency[2]) / 1000,
                detail=detail)


def wrk_get(url: str, connections: int, seconds: int, cookie: str | None = None) -> Pass:
    """Plain wrk GET of one URL for `seconds` (wrk's static request: the cheapest driver)."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(BENCH / "wrk_summary.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def drive(url: str, mode: str, jobs: list[Job], args) -> tuple[Pass, list[Job]]:
    """Each job once, by --signers concurrent signers (bench/signer_driver.py)."""
    address = urlsplit(url)
    run = signer_driver.drive(address.hostname, address.port, mode, jobs, args.signers, args.driver_processes,
                              args.max_seconds)
    return Pass(len(run.ok), len(run.failures), run.seconds, percentile(run.latencies_ms, 50),
                percentile(run.latencies_ms, 99), run.latencies_ms, " ".join(run.failures[:3]),
                run.driver_cpu_seconds), run.ok


# --- the servers ----------------------------------------------------------------------------------

def bare_server(args, work: Path) -> Gunicorn:
    db_path = work / "bare.sqlite3"
    bare_app.prepare_db(str(db_path))
    return Gunicorn("bare_app:create_app()", {"BARE_DB": str(db_path), "PYTHONPATH": str(BENCH)},
                    work / "bare.log", workers=args.workers)


def bare_rows(work: Path) -> int:
    with sqlite3.connect(work / "bare.sqlite3") as connection:
        return connection.execute("SELECT count(*) FROM acknowledgement").fetchone()[0]


# --- the service ----------------------------------------------------------------------------------

def service_env(work: Path, port: int) -> dict[str, str]:
    return {"SIGNOFF_ENV": "production", "SIGNOFF_SECRET_KEY": secrets.token_urlsafe(48),
            "SIGNOFF_DATABASE_URL": f"sqlite:///{work / 'signoff.sqlite3'}",
            "SIGNOFF_BASE_URL": f"http://127.0.0.1:{port}"}


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "signoff_service", *args], cwd=REPO,
                            env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def seed(env: dict[str, str], people: int, work: Path) -> tuple[str, list[tuple[str, str]]]:
    """Open a round of `people` synthetic people; returns (round id, [(link path, name)])."""
    people_csv = work / "people.csv"
    with people_csv.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("name", "email", "role"))
        for i in range(people):
            writer.writerow((f"Person {i:05d} Bench", f"person{i:05d}@bench.example.org", ROLES[i % 3]))
    round_id = flask_cli(env, "open-round", COUNCIL, "--people", str(people_csv)).strip()
    rows = list(csv.DictReader(io.StringIO(flask_cli(env, "links", round_id))))
    return round_id, [(urlsplit(row["link"]).path, row["name"]) for row in rows]


def hr_login(base_url: str, email: str, password: str) -> str:
    """Sign in as HR through the login form; returns the session cookie header value."""
    # Cookies carried by hand: production's are Secure, which requests keeps off plain http.
    page = requests.get(base_url + "/admin/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page.text)
    response = requests.post(base_url + "/admin/login", allow_redirects=False,
                             headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in page.cookies)},
                             data={"csrf_token": token[1] or token[2], "email": email, "password": password})
    if response.status_code != 303:
        raise SystemExit(f"HR login failed with {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in response.cookies)


def first_open(base_url: str, path: str) -> str:
    """Open a signing link once; returns the cookies a returning signer's browser sends (none, now)."""
    http = requests.Session()
    check = http.get(base_url + path, allow_redirects=False)
    if check.status_code != 200 or 'name="full_name"' not in check.text:
        raise SystemExit(f"GET {path} gave {check.status_code}, not the signing form")
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    check_page(base_url, path, cookie, 'name="full_name"')
    return cookie


def check_page(base_url: str, path: str, cookie: str | None, must_contain: str) -> None:
    """wrk counts only 4xx/5xx as failures: make sure the page is really the page first."""
    response = requests.get(base_url + path, headers={"Cookie": cookie} if cookie else {},
                            allow_redirects=False)
    if response.status_code != 200 or must_contain not in response.text:
        raise SystemExit(f"GET {path} gave {response.status_code}, not the expected page")


def batches(items: list, count: int) -> list[list]:
    size = -(-len(items) // count)
    return [items[i:i + size] for i in range(0, len(items), size)]


def measure(args, work: Path) -> tuple[dict[str, Figures], request_cpu.Seeded]:
    """Both servers up at once; every measurement is made in --rounds passes, interleaved, so a
    neighbour's load on the machine falls on the service and its ceiling alike."""
    bare = bare_server(args, work)
    service = Gunicorn("signoff_service:create_app()", {}, work / "service.log", workers=args.workers)
    env = service.env = service_env(work, service.port)
    admin_email, admin_password = "bench-hr@example.org", secrets.token_urlsafe(18)
    flask_cli(env, "init-db")
    flask_cli(env, "create-admin", admin_email, "--password", admin_password)
    started = time.perf_counter()
    round_id, links = seed(env, args.people, work)
    print(f"seeded round {round_id} with {len(links)} people in {time.perf_counter() - started:.1f} s "
          f"(open-round + links CLI)", flush=True)
    figures = {key: Figures(label, unit) for key, label, unit in (
        ("const", "bare Flask: constant GET", "req/s"),
        ("insert", "bare Flask: one durable SQLite insert (POST)", "ins/s"),
        ("queued", "bare Flask: the same, writers flock-queued", "ins/s"),
        ("open", "service: signing page, first open (GET)", "req/s"),
        ("view", "service: signing page, repeat view (GET)", "req/s"),
        ("sign", "service: signing (POST, 303 to receipt)", "sig/s"),
        ("dashboard", f"service: HR dashboard, {args.people} people (GET)", "req/s"),
        ("round", f"service: HR round page, {args.people} people (GET)", "req/s"))}
    signers = [Job(path, name) for path, name in links[:args.signatures]]
    inserts = [Job("/insert", job.name) for job in signers]
    queued = [Job("/insert-queued", job.name) for job in signers]
    receipts = 0
    with bare, service:
        cookie = hr_login(service.url, admin_email, admin_password)
        check_page(service.url, "/admin/", cookie, round_id)
        check_page(service.url, f"/admin/rounds/{round_id}", cookie, "Person 0")
        viewer_path = links[-1][0]  # never signs: their page stays the form, viewed again and again
        viewer_cookie = first_open(service.url, viewer_path)
        for number, (signer_batch, insert_batch, queued_batch) in enumerate(zip(
                batches(signers, args.rounds), batches(inserts, args.rounds), batches(queued, args.rounds), strict=False), 1):
            print(f"pass {number} of {args.rounds}", flush=True)
            opened_pass, opened = drive(service.url, "open", signer_batch, args)
            figures["open"].passes.append(opened_pass)
            figures["insert"].passes.append(drive(bare.url, "sign", insert_batch, args)[0])
            figures["queued"].passes.append(drive(bare.url, "sign", queued_batch, args)[0])
            signed_pass, _ = drive(service.url, "sign", opened, args)
            figures["sign"].passes.append(signed_pass)
            receipts += signed_pass.ok
            figures["const"].passes.append(wrk_get(bare.url + "/const", args.signers, args.seconds))
            figures["view"].passes.append(wrk_get(service.url + viewer_path, args.signers, args.seconds,
                                                  viewer_cookie))
            figures["dashboard"].passes.append(wrk_get(service.url + "/admin/", args.signers, args.seconds, cookie))
            figures["round"].passes.append(wrk_get(service.url + f"/admin/rounds/{round_id}", args.signers,
                                                   args.seconds, cookie))
    # Nothing the servers answered was lost: the stores agree with the answers.
    signed = sum(1 for row in csv.DictReader(io.StringIO(flask_cli(env, "register", round_id)))
                 if row["status"] == "signed")
    ledger = flask_cli(env, "verify-ledger").strip()
    print(f"after the run: {signed} of {len(links)} people signed in the register ({receipts} receipts "
          f"returned); {ledger}; bare DB {bare_rows(work)} rows ({figures['insert'].ok + figures['queued'].ok} "
          "answers)", flush=True)
    if signed != receipts:
        figures["sign"].passes[-1].bad += abs(signed - receipts)
        figures["sign"].passes[-1].detail += f" register shows {signed} signed for {receipts} receipts"
    spare = min(401, len(links) - 1 - args.signatures)  # never opened: for request_cpu's first opens
    config = {"ENV": env["SIGNOFF_ENV"], "SECRET_KEY": env["SIGNOFF_SECRET_KEY"],
              "DATABASE_URL": env["SIGNOFF_DATABASE_URL"], "BASE_URL": env["SIGNOFF_BASE_URL"]}
    return figures, request_cpu.Seeded(config, round_id, links[args.signatures:args.signatures + spare],
                                       viewer_path, admin_email, admin_password)


def ratio(name: str, part: Figures, whole: Figures, target: float | None = None, extra_ok: bool = True,
          extra: str = "") -> str:
    value = part.rate / whole.rate if whole.rate else 0.0
    text = f"{name:<50} {value:6.0%}"
    if target is not None:
        met = value >= target and extra_ok and not part.bad and not whole.bad
        text += f" (target >= {target:.0%}{extra}): {'MET' if met else 'MISSED'}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="people in the round")
    parser.add_argument("--signatures", type=int, default=3000, help="how many of them open their link and sign")
    parser.add_argument("--signers", type=int, default=50, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, service and baseline")
    parser.add_argument("--seconds", type=int, default=5, help="length of each page measurement pass")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved passes of every measurement")
    parser.add_argument("--max-seconds", type=int, default=60, help="cap on each opening or signing pass")
    parser.add_argument("--driver-processes", type=int, default=3, help="processes the signers run in")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    args = parser.parse_args()
    if args.signatures >= args.people:
        raise SystemExit("--signatures must be below --people (one person only views their page)")
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="signoff-load-"))
    try:
        print(f"gunicorn --workers {args.workers} (sync); {args.signers} concurrent signers / wrk connections; "
              f"{args.people} people, {args.signatures} of them sign; {args.rounds} interleaved passes; "
              f"{os.cpu_count()} CPUs; work dir {work}", flush=True)
        figures, seeded = measure(args, work)
        cpu = request_cpu.measure(seeded, str(work / "bare.sqlite3"))
        print()
        print("Under load through gunicorn: rate, latency, each pass's rate; "
              "[CPU per request in-process: the WSGI app called directly, one request at a time, the least of 5 batches]")
        for key in ("const", "insert", "queued", "open", "view", "sign", "dashboard", "round"):
            print(f"{figures[key].line()}   [{cpu[key]:,.0f} µs]")
        print()
        sign, const = figures["sign"], figures["const"]
        p99_ok, p99_text = sign.p99_ms < 150, f", p99 {sign.p99_ms:.0f} ms < 150 ms"
        print(ratio("signing / durable insert, busy handler (issue)", sign, figures["insert"], 0.60, p99_ok, p99_text))
        print(ratio("signing / durable insert, flock-queued (stricter)", sign, figures["queued"], 0.60, p99_ok,
                    p99_text))
        print(ratio("signing page (repeat view) / constant", figures["view"], const, 0.50))
        print(ratio("signing page (first open) / constant", figures["open"], const))
        print(ratio("HR dashboard / constant", figures["dashboard"], const))
        print(ratio("HR round page / constant", figures["round"], const))
        for key in ("insert", "queued", "open", "sign"):
            passes = figures[key].passes
            cpu_s, busy_s = sum(p.driver_cpu_seconds for p in passes), sum(p.seconds for p in passes)
            print(f"signer driver during '{figures[key].label}': {cpu_s / figures[key].ok * 1000:.2f} ms CPU per "
                  f"request, {cpu_s / busy_s:.0%} of one CPU")
        print(f"CPU per request, in-process: signing POST {cpu['sign'] / cpu['queued']:.1f}x a flock-queued durable "
              f"insert, {cpu['sign'] / cpu['insert']:.1f}x a plain one; signing page {cpu['view'] / cpu['const']:.1f}x "
              "the constant endpoint")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
