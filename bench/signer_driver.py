"""Concurrent signers for bench/signoff_load.py: a load driver in separate processes.

wrk drives the stateless pages, but a signer is stateful (the GET gives the form's CSRF token, and
any cookie; the POST must send them back), and wrk's Lua loses track of connections that
gunicorn's sync workers close after every answer. So signing is driven from here: `processes`
processes with `threads` threads each, one request in flight per thread, plain http.client (no
client-side parsing beyond the one CSRF field). The service and the bare durable-insert baseline
are driven by this same code with the same settings.

Each job is sent exactly once; a job is (path, full name, cookie, csrf token).
  open: GET the path; the result keeps the form's CSRF token (and a Set-Cookie, if any: the
        service sets none for signers, a browser would send one back).
  sign: POST the signing form (agree=yes, full_name, csrf_token, signature="") with the cookie;
        success is a 303.
"""
from __future__ import annotations

import http.client
import multiprocessing
import queue
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_INPUT = re.compile(rb'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(rb'value="([^"]*)"')


@dataclass(frozen=True)
class Job:
    path: str
    name: str
    cookie: str = ""
    csrf: str = ""


@dataclass
class Outcome:
    ok: list[Job] = field(default_factory=list)        # for "open": the jobs completed with cookie + token
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    failures: list[str] = field(default_factory=list)
    first_sent: float = float("inf")
    last_answer: float = 0.0
    cpu_seconds: float = 0.0  # the driver process's own CPU time for the pass


def _once(host: str, port: int, mode: str, job: Job) -> tuple[bool, Job | str]:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        headers = {"Cookie": job.cookie} if job.cookie else {}
        if mode == "sign":
            body = urlencode({"csrf_token": job.csrf, "agree": "yes", "full_name": job.name, "signature": ""})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request("POST", job.path, body=body, headers=headers)
        else:
            connection.request("GET", job.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if mode == "sign":
            return (True, job) if response.status == 303 else (False, f"{response.status} {job.path}")
        tag = CSRF_INPUT.search(body)
        token = tag and VALUE.search(tag[0])
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        if response.status != 200 or not token:
            return False, f"{response.status} {job.path} (no form)"
        return True, Job(job.path, job.name, cookie, token[1].decode())
    except OSError as e:
        return False, f"{type(e).__name__} {job.path}"
    finally:
        connection.close()


def _process(host: str, port: int, mode: str, jobs: list[Job], threads: int, deadline: float, start,
             results) -> None:
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    outcome = Outcome()
    lock = threading.Lock()

    def signer() -> None:
        while time.monotonic() < deadline:  # jobs left at the deadline are not sent
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            sent = time.monotonic()
            ok, result = _once(host, port, mode, job)
            answered = time.monotonic()
            with lock:
                outcome.first_sent = min(outcome.first_sent, sent)
                outcome.last_answer = max(outcome.last_answer, answered)
                outcome.latencies.append(answered - sent)
                (outcome.ok if ok else outcome.failures).append(result)

    workers = [threading.Thread(target=signer) for _ in range(threads)]
    start.wait()
    cpu_started = time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    outcome.cpu_seconds = time.process_time() - cpu_started
    results.put(outcome)


@dataclass
class Run:
    ok: list[Job]
    failures: list[str]
    seconds: float
    latencies_ms: list[float]  # sorted
    driver_cpu_seconds: float  # all driver processes: shows whether the driver could be the bottleneck


def drive(host: str, port: int, mode: str, jobs: list[Job], connections: int, processes: int,
          max_seconds: float) -> Run:
    """Send every job once (or until max_seconds) with `connections` signers spread over `processes`."""
    processes = max(1, min(processes, connections))
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    deadline = time.monotonic() + max_seconds
    children = []
    for i in range(processes):
        threads = connections // processes + (1 if i < connections % processes else 0)
        child = context.Process(target=_process, args=(host, port, mode, jobs[i::processes], threads, deadline, start,
                                                                 results))
        child.start()
        children.append(child)
    start.set()
    outcomes = [results.get() for _ in children]
    for child in children:
        child.join()
    latencies = sorted(x * 1000 for o in outcomes for x in o.latencies)
    first = min(o.first_sent for o in outcomes)
    last = max(o.last_answer for o in outcomes)
    return Run([job for o in outcomes for job in o.ok], [f for o in outcomes for f in o.failures],
               max(last - first, 1e-9), latencies, sum(o.cpu_seconds for o in outcomes))


def percentile(sorted_values: list[float], q: int) -> float:
    if len(sorted_values) < 2:
        return sorted_values[0] if sorted_values else 0.0
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[q - 1]
