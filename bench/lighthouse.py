"""Lighthouse on a phone profile: the handbook's council page and compare page, beside a baseline.

    .venv/bin/python bench/lighthouse.py              # builds the site, serves it, runs Lighthouse
    .venv/bin/python bench/lighthouse.py --runs 3     # median of three runs per page

Needs Node and Lighthouse 12 (`npm ci --prefix bench/lighthouse` once: bench/lighthouse/package.json
pins it) and Debian's Chromium (CHROME_PATH defaults to /usr/bin/chromium). Lighthouse runs with its
default mobile settings: a Moto G Power-sized screen, simulated slow 4G and a 4x slower CPU.

The built site is served as a static host serves it: gzip for text, and a long cache lifetime for
the theme's fingerprinted assets. The baseline, measured in the same run on the same server, is a
plain mkdocs-material page (the theme's defaults, one short page of text): what the theme costs
before the handbook adds anything. The issue's targets: performance >= 95 on a council page and
the compare page; accessibility and best practices 100.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
PAGES = {"council page": "councils/south-ribble/", "compare page": "compare/"}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", "/")


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host does: gzip when the browser accepts it, and a year's cache for
    fingerprinted theme assets (their names change when they do)."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        if "/assets/" in self.path and (".min." in self.path or "/assets/images/" in self.path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.send_header("Cache-Control", "public, max-age=600")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts_gzip or not os.path.isfile(path) or not path.endswith(COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(Path(path).read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO
        return BytesIO(body)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def build(config: Path, site: Path, cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                             "--site-dir", str(site)], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        sys.exit(f"mkdocs build failed for {config}:\n{result.stderr}")


def baseline_project(root: Path) -> Path:
    """A plain mkdocs-material project: the theme's defaults, one page of ordinary text."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        "# A plain page\n\n" + "\n\n".join(
            f"## Section {n}\n\nMembers and officers work together with mutual respect. " * 3 for n in range(1, 6)))
    config = root / "mkdocs.yml"
    config.write_text("site_name: Baseline\ntheme:\n  name: material\n  font: false\n")
    return config


def lighthouse(url: str, out: Path) -> dict[str, float]:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit(f"Lighthouse is not installed: npm ci --prefix {LIGHTHOUSE_DIR.relative_to(ROOT)}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", shutil.which("chromium") or "/usr/bin/chromium")}
    result = subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
                             "--only-categories=" + ",".join(CATEGORIES),
                             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    scores["LCP s"] = round(report["audits"]["largest-contentful-paint"]["numericValue"] / 1000, 2)
    scores["TBT ms"] = round(report["audits"]["total-blocking-time"]["numericValue"])
    scores["failing"] = sorted(k for k, a in report["audits"].items()
                               if a.get("score") is not None and a["score"] < 0.9
                               and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))
    return scores


def median_scores(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "failing"}
    out["failing"] = sorted({a for r in runs for a in r["failing"]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build(ROOT / "mkdocs.yml", tmp / "site", ROOT)
        build(baseline_project(tmp / "baseline"), tmp / "baseline-site", tmp / "baseline")
        handbook, handbook_url = serve(tmp / "site")
        baseline, baseline_url = serve(tmp / "baseline-site")
        try:
            targets = {"baseline (plain mkdocs-material page)": baseline_url,
                       **{name: handbook_url + path for name, path in PAGES.items()}}
            rows = {}
            for name, url in targets.items():
                rows[name] = median_scores([lighthouse(url, tmp / f"report-{i}.json") for i in range(args.runs)])
        finally:
            handbook.shutdown()
            baseline.shutdown()
    print(f"Lighthouse, mobile profile (simulated slow 4G, 4x CPU slowdown), median of {args.runs} run(s)")
    header = f"{'page':40} {'perf':>5} {'a11y':>5} {'best':>5} {'LCP s':>6} {'TBT ms':>7}  audits under 0.9"
    print(header)
    for name, s in rows.items():
        print(f"{name:40} {s['performance']:>5.0f} {s['accessibility']:>5.0f} {s['best-practices']:>5.0f} "
              f"{s['LCP s']:>6.2f} {s['TBT ms']:>7.0f}  {', '.join(s['failing']) or '-'}")
    for name in PAGES:
        met = all(rows[name][c] >= t for c, t in TARGETS.items())
        print(f"{name}: targets (performance >= 95, accessibility 100, best practices 100) "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
