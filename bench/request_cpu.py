"""CPU time per request, in-process, for bench/signoff_load.py: the service's requests beside the
bare app's, each a call of the Flask app as a WSGI application (no HTTP server, no test client:
the WSGI environ of every request is built before the clock starts), one at a time.

Throughput on a shared machine swings with whatever else runs; CPU time per request barely does,
so it shows what the service itself costs and where a ratio under load comes from.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADERS = {"Host": "127.0.0.1", "User-Agent": "bench/request_cpu.py"}


@dataclass(frozen=True)
class Seeded:
    """What the load run left for this one: a round, people who have not opened their link yet
    (path, name), a person whose page was opened, and an HR login."""
    config: dict
    round_id: str
    fresh: list[tuple[str, str]]
    viewer_path: str
    admin_email: str
    admin_password: str


def environ(path: str, form: dict | None = None, cookie: str | None = None) -> dict:
    headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
    if form is None:
        return EnvironBuilder(path=path, headers=headers).get_environ()
    return EnvironBuilder(path=path, method="POST", headers=headers, data=urlencode(form),
                          content_type="application/x-www-form-urlencoded").get_environ()


def call(app, request_environ: dict) -> tuple[int, bytes]:
    """One request through the WSGI app: (status code, body)."""
    statuses = []
    body = app(request_environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return int(statuses[0].split()[0]), content


BATCHES = 5


def cpu_us(app, environs: list[dict], status: int) -> tuple[float, list[bytes]]:
    """CPU microseconds per request over `environs`, each sent once: the first untimed (it warms
    the caches), the rest timed in BATCHES batches, and the least of the batches' means taken (as
    timeit does: on a shared machine a batch only ever runs slower than the code, when a neighbour
    takes the CPU's caches or the kernel's time). Also returns every body. Every answer must have
    `status`."""
    answers = [call(app, environs[0])]
    rest, means = environs[1:], []
    size = -(-len(rest) // BATCHES)
    for start in range(0, len(rest), size):
        started = time.process_time()
        timed = [call(app, e) for e in rest[start:start + size]]
        means.append((time.process_time() - started) / len(timed) * 1e6)
        answers += timed
    for code, body in answers:
        assert code == status, f"{code}: {body[:200]!r}"
    return min(means), [body for _, body in answers]


def measure(seeded: Seeded, bare_db: str) -> dict[str, float]:
    from signoff_service import create_app

    os.environ["BARE_DB"] = bare_db
    import bare_app

    bare = bare_app.create_app()
    app = create_app(seeded.config)
    hr = app.test_client()
    login_page = hr.get("/admin/login").text
    response = hr.post("/admin/login", data={"csrf_token": CSRF.search(login_page)[1], "email": seeded.admin_email,
                                             "password": seeded.admin_password})
    assert response.status_code == 303, response.status_code
    hr_cookie = f"session={hr.get_cookie('session').value}"
    count = len(seeded.fresh) // 2  # `count` + 1 first opens, then as many signatures
    people = seeded.fresh[:count + 1]
    form = {"full_name": "Person Bench", "agree": "yes", "signature": ""}
    costs = {
        "const": cpu_us(bare, [environ("/const") for _ in range(1001)], 200)[0],
        "insert": cpu_us(bare, [environ("/insert", form) for _ in range(count + 1)], 303)[0],
        "queued": cpu_us(bare, [environ("/insert-queued", form) for _ in range(count + 1)], 303)[0],
    }
    costs["open"], pages = cpu_us(app, [environ(path) for path, _ in people], 200)
    costs["view"] = cpu_us(app, [environ(seeded.viewer_path) for _ in range(count + 1)], 200)[0]
    signatures = [environ(path, {"csrf_token": CSRF.search(page.decode())[1], "agree": "yes", "full_name": name,
                                 "signature": ""}) for (path, name), page in zip(people, pages, strict=True)]
    costs["sign"] = cpu_us(app, signatures, 303)[0]
    costs["dashboard"] = cpu_us(app, [environ("/admin/", cookie=hr_cookie) for _ in range(21)], 200)[0]
    costs["round"] = cpu_us(app, [environ(f"/admin/rounds/{seeded.round_id}", cookie=hr_cookie)
                                  for _ in range(21)], 200)[0]
    app.extensions["signoff.engine"].dispose()
    return costs
