"""Load on the sign-off service under gunicorn, beside bare Flask ceilings measured in the same run.

    .venv/bin/python bench/signoff_load.py [--people 10000] [--signers 50] [--workers 4] [--seconds 10]

Needs wrk (Debian package `wrk`). Everything runs on loopback in a temporary directory: a fresh
SQLite instance of the service, seeded through its own CLI (create-admin, open-round with --people
synthetic people, links), served by gunicorn with --workers sync workers; and bench/bare_app.py
under the same gunicorn settings. Each pair is driven by the same driver with the same settings:

- signing (bench/signer_driver.py, --signers concurrent signers in separate processes): every
  person opens their personal link once (GET: keeps the session cookie and the CSRF token), then
  every person signs once (POST the form; 303 to the receipt). Beside it, the same driver POSTs
  the same form to the bare app's one-durable-insert endpoint as many times.
- pages (wrk, --signers connections, --seconds each): the signing page (a repeat view), the HR
  dashboard and the HR round page (logged in) with --people people in the round; beside the bare
  constant endpoint.

Targets (issue 4): signing >= 70% of the durable-insert ceiling with p99 < 150 ms; the signing
page >= 50% of the constant endpoint.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "tests" / "service"))
from servers import BIN, Gunicorn  # noqa: E402  (the one gunicorn launcher, shared with the tests)

sys.path.insert(0, str(BENCH))
import bare_app  # noqa: E402
import signer_driver  # noqa: E402
from signer_driver import Job  # noqa: E402

ROLES = ("member", "officer", "co-opted member")
COUNCIL = "south-ribble"


@dataclass
class Figures:
    label: str
    ok: int
    bad: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_detail: str = ""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def line(self, unit: str) -> str:
        text = f"{self.label:<44} {self.rate:8.0f} {unit:<5} p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms"
        if self.bad:
            text += f"  ({self.bad} FAILED: {self.bad_detail[:200]})"
        return text


def parse_wrk(label: str, output: str) -> Figures:
    result = re.search(r"RESULT ok=(\d+) bad=(\d+) span_us=(\d+) errors=(\d+)", output)
    latency = re.search(r"LATENCY p50=(\d+) p99=(\d+)", output)
    if not result or not latency:
        raise RuntimeError(f"wrk gave no figures for {label}:\n{output}")
    ok, bad, span_us, socket_errors = map(int, result.groups())
    detail = output.split("BAD ", 1)[1].strip() if "BAD " in output else ""
    if socket_errors:
        detail = re.search(r"ERRORS .*", output)[0] + "; " + detail
    return Figures(label, ok, bad + socket_errors, span_us / 1e6, int(latency[1]) / 1000,
                   int(latency[2]) / 1000, detail)


def wrk_get(label: str, url: str, connections: int, seconds: int, cookie: str | None = None) -> Figures:
    """Plain wrk GET of one URL for `seconds` (wrk's static request: the cheapest driver)."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(BENCH / "wrk_summary.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(label, output)


def drive(label: str, url: str, mode: str, jobs: list[Job], args) -> tuple[Figures, list[Job]]:
    """Each job once, by --signers concurrent signers (bench/signer_driver.py)."""
    address = urlsplit(url)
    run = signer_driver.drive(address.hostname, address.port, mode, jobs, args.signers, args.driver_processes)
    figures = Figures(label, len(run.ok), len(run.failures), run.seconds, run.p50_ms, run.p99_ms,
                      " ".join(run.failures[:5]))
    return figures, run.ok


# --- the baseline ---------------------------------------------------------------------------------

def measure_baseline(args, work: Path) -> tuple[Figures, Figures]:
    db_path = work / "bare.sqlite3"
    bare_app.prepare_db(str(db_path))
    server = Gunicorn("bare_app:create_app()", {"BARE_DB": str(db_path), "PYTHONPATH": str(BENCH)},
                      work / "bare.log", workers=args.workers)
    with server:
        const = wrk_get("bare Flask: constant GET", server.url + "/const", args.signers, args.seconds)
        jobs = [Job("/insert", f"Person {i:05d} Bench") for i in range(args.people)]
        insert, _ = drive("bare Flask: one durable SQLite insert (POST)", server.url, "sign", jobs, args)
    import sqlite3

    with sqlite3.connect(db_path) as connection:
        stored = connection.execute("SELECT count(*) FROM acknowledgement").fetchone()[0]
    if stored != insert.ok:
        insert.bad_detail += f" (bare DB holds {stored} rows for {insert.ok} answers)"
    return const, insert


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
    http = requests.Session()
    page = http.get(base_url + "/admin/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page.text)
    response = http.post(base_url + "/admin/login", allow_redirects=False,
                         data={"csrf_token": token[1] or token[2], "email": email, "password": password})
    if response.status_code != 303:
        raise SystemExit(f"HR login failed with {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def check_page(base_url: str, path: str, cookie: str | None, must_contain: str) -> None:
    """wrk counts only 4xx/5xx as failures: make sure the page is really the page first."""
    response = requests.get(base_url + path, headers={"Cookie": cookie} if cookie else {},
                            allow_redirects=False)
    if response.status_code != 200 or must_contain not in response.text:
        raise SystemExit(f"GET {path} gave {response.status_code}, not the expected page")


def measure_service(args, work: Path) -> dict[str, Figures]:
    server = Gunicorn("signoff_service:create_app()", {}, work / "service.log", workers=args.workers)
    env = server.env = service_env(work, server.port)
    admin_email, admin_password = "bench-hr@example.org", secrets.token_urlsafe(18)
    flask_cli(env, "init-db")
    flask_cli(env, "create-admin", admin_email, "--password", admin_password)
    started = time.perf_counter()
    round_id, links = seed(env, args.people, work)
    print(f"seeded round {round_id} with {len(links)} people in {time.perf_counter() - started:.1f} s "
          f"(open-round + links CLI)", flush=True)
    figures = {}
    with server:
        figures["open"], opened = drive("service: signing page, first open (GET)", server.url, "open",
                                        [Job(path, name) for path, name in links], args)
        sample = opened[0]
        check_page(server.url, sample.path, sample.cookie, 'name="full_name"')
        figures["view"] = wrk_get("service: signing page, repeat view (GET)", server.url + sample.path,
                                  args.signers, args.seconds, sample.cookie)
        figures["sign"], _ = drive("service: signing (POST, 303 to receipt)", server.url, "sign", opened, args)
        cookie = hr_login(server.url, admin_email, admin_password)
        check_page(server.url, "/admin/", cookie, round_id)
        figures["dashboard"] = wrk_get(f"service: HR dashboard, {args.people} people (GET)",
                                       server.url + "/admin/", args.signers, args.seconds, cookie)
        check_page(server.url, f"/admin/rounds/{round_id}", cookie, "Person 0")
        figures["round"] = wrk_get(f"service: HR round page, {args.people} people (GET)",
                                   server.url + f"/admin/rounds/{round_id}", args.signers, args.seconds, cookie)
    signed = sum(1 for row in csv.DictReader(io.StringIO(flask_cli(env, "register", round_id)))
                 if row["status"] == "signed")
    ledger = flask_cli(env, "verify-ledger").strip()
    print(f"after the run: {signed} of {len(links)} people signed in the register; {ledger}")
    if signed != figures["sign"].ok:
        figures["sign"].bad_detail += f" (register shows {signed} signed for {figures['sign'].ok} receipts)"
    return figures


def ratio(name: str, part: Figures, whole: Figures, target: float, extra_ok: bool = True,
          extra: str = "") -> str:
    value = part.rate / whole.rate if whole.rate else 0.0
    met = value >= target and extra_ok and not part.bad
    return f"{name:<44} {value:6.0%} (target >= {target:.0%}{extra}): {'MET' if met else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="people in the round (each signs once)")
    parser.add_argument("--signers", type=int, default=50, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, service and baseline")
    parser.add_argument("--seconds", type=int, default=10, help="length of each page measurement")
    parser.add_argument("--driver-processes", type=int, default=3, help="processes the signers run in")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="signoff-load-"))
    try:
        print(f"gunicorn --workers {args.workers} (sync), wrk with {args.signers} connections, "
              f"{args.people} people, {os.cpu_count()} CPUs; work dir {work}", flush=True)
        const, insert = measure_baseline(args, work)
        service = measure_service(args, work)
        print()
        print(const.line("req/s"))
        print(insert.line("ins/s"))
        for key in ("open", "view", "sign", "dashboard", "round"):
            print(service[key].line("sig/s" if key == "sign" else "req/s"))
        print()
        sign = service["sign"]
        print(ratio("signing / durable-insert ceiling", sign, insert, 0.70, sign.p99_ms < 150,
                    f", p99 {sign.p99_ms:.0f} ms < 150 ms"))
        print(ratio("signing page (repeat view) / constant", service["view"], const, 0.50))
        print(ratio("signing page (first open) / constant", service["open"], const, 0.50))
        print(f"{'HR dashboard / constant':<44} {service['dashboard'].rate / const.rate:6.0%}")
        print(f"{'HR round page / constant':<44} {service['round'].rate / const.rate:6.0%}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
