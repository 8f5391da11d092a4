"""CPU time per request, in-process (Flask's test client, no HTTP server, one request at a time),
for bench/signoff_load.py: the service's requests beside the bare app's.

Throughput on a shared machine swings with whatever else runs; CPU time per request barely does,
so it shows what the service itself costs and where a ratio under load comes from.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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


def cpu_ms(request, count: int) -> float:
    """Mean CPU milliseconds of request(i) for i in range(count), after one untimed call."""
    request(-1)
    started = time.process_time()
    for i in range(count):
        request(i)
    return (time.process_time() - started) / count * 1000


def measure(seeded: Seeded, bare_db: str) -> dict[str, float]:
    from signoff_service import create_app

    os.environ["BARE_DB"] = bare_db
    import bare_app

    bare = bare_app.create_app().test_client()
    app = create_app(seeded.config)
    count = len(seeded.fresh) // 2  # one untimed call each, then `count` timed
    signers = {i: app.test_client() for i in range(-1, count)}
    tokens = {}

    def expect(response, status: int):
        assert response.status_code == status, f"{response.status_code}: {response.text[:200]}"
        return response

    def first_open(i):
        path, _ = seeded.fresh[i + 1]
        tokens[i] = CSRF.search(expect(signers[i].get(path), 200).text)[1]

    def sign(i):
        path, name = seeded.fresh[i + 1]
        expect(signers[i].post(path, data={"csrf_token": tokens[i], "agree": "yes", "full_name": name,
                                           "signature": ""}), 303)

    viewer = app.test_client()
    hr = app.test_client()
    expect(hr.post("/admin/login", data={"csrf_token": CSRF.search(hr.get("/admin/login").text)[1],
                                         "email": seeded.admin_email, "password": seeded.admin_password}), 303)
    form = {"full_name": "Person Bench", "agree": "yes", "signature": ""}
    costs = {
        "const": cpu_ms(lambda i: expect(bare.get("/const"), 200), 300),
        "insert": cpu_ms(lambda i: expect(bare.post("/insert", data=form), 303), count),
        "queued": cpu_ms(lambda i: expect(bare.post("/insert-queued", data=form), 303), count),
        "open": cpu_ms(first_open, count),
        "view": cpu_ms(lambda i: expect(viewer.get(seeded.viewer_path), 200), count),
        "sign": cpu_ms(sign, count),
        "dashboard": cpu_ms(lambda i: expect(hr.get("/admin/"), 200), 20),
        "round": cpu_ms(lambda i: expect(hr.get(f"/admin/rounds/{seeded.round_id}"), 200), 20),
    }
    app.extensions["signoff.engine"].dispose()
    return costs
