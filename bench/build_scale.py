"""How the handbook site scales with the number of councils, against a plain mkdocs-material
build of the same clause text as hand-written Markdown (built-in search), measured in the same run.

For each N it writes N synthetic councils (copies of the real protocol files under new council
ids and names, cycling through them) beside the real ones (the hand-written pages quote those)
into a temporary protocols directory, points the library at
it with HANDBOOK_PROTOCOLS, and builds:
  - handbook: the project's mkdocs.yml (generated pages + Pagefind search);
  - plain:    one Markdown page per council version with the same sections and clause text,
              mkdocs-material with its built-in search.
It prints build time, peak memory (largest process of the build), total site size, and, in
headless Chromium, the bytes a reader downloads from opening the home page until the first search
result shows, and the time from typing the query to that first result. For the comparison pages it
prints the size of the question tables, the side-by-side page and data and the review pages, and the
time (and bytes) to show two councils side by side, against opening the largest question table.

    .venv/bin/python bench/build_scale.py                      # N = 4, 40, 400 (about 10 minutes)
    .venv/bin/python bench/build_scale.py --sizes 4,40         # a quick run
    .venv/bin/python bench/build_scale.py --keep bench/out     # keep the generated projects
    .venv/bin/python bench/build_scale.py --national           # N = 400 and 4,000 (about an hour)

Targets (issue 3): handbook build time <= 1.2x plain at N=400; first result within 0.5 s of
typing, <= 300 KB fetched for the search.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from handbook import load_library
from handbook.load import GLOSSARY_FILE, TOPICS_FILE, VOCABULARY_FILE, default_root, protocol_paths
from handbook.text import block_lines

ROOT = Path(__file__).resolve().parent.parent
QUERY = "roving commission"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Runs mkdocs in this (measuring) process and reports the CPU seconds of it and its waited-for
# children together, the peak RSS (KiB) of mkdocs itself, and the largest peak of any Pagefind run
# it starts (the handbook's search indexer; the plain build has none): where a build's memory goes.
# Pagefind's peak is read from /proc (each run's VmHWM, sampled every 20 ms while it runs), not
# from getrusage: a child's ru_maxrss counts the parent's pages it held between fork and exec, so
# it reported the mkdocs process's size for every short Pagefind run.
MEASURED = ("import os, resource, runpy, sys, threading, time\n"
            "sys.argv = sys.argv[1:]\n"
            "indexer = [0]\n"
            "def watch(me=os.getpid()):\n"
            "    while True:\n"
            "        try:\n"
            "            kids = open(f'/proc/{me}/task/{me}/children').read().split()\n"
            "        except OSError:\n"
            "            kids = []\n"
            "        for kid in kids:\n"
            "            try:\n"
            "                if open(f'/proc/{kid}/comm').read().strip() == 'pagefind':\n"
            "                    status = open(f'/proc/{kid}/status').read()\n"
            "                    indexer[0] = max(indexer[0], int(status.split('VmHWM:')[1].split()[0]))\n"
            "            except (OSError, IndexError, ValueError):\n"
            "                pass\n"
            "        time.sleep(0.02)\n"
            "threading.Thread(target=watch, daemon=True).start()\n"
            "code = 0\n"
            "try:\n"
            "    runpy.run_module('mkdocs', run_name='__main__', alter_sys=True)\n"
            "except SystemExit as e:\n"
            "    code = e.code or 0\n"
            "me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
            "print(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, me.ru_maxrss, indexer[0],"
            " file=sys.stderr)\n"
            "sys.exit(code)\n")


# --- Synthetic councils ---------------------------------------------------------------------------


def write_synthetic_protocols(n: int, target: Path, source: Path) -> None:
    """The real protocol files (hand-written pages quote them), plus N copies of them in turn,
    each under a new council id and name."""
    target.mkdir(parents=True)
    paths = protocol_paths(source)
    seeds = [yaml.load(p.read_text(encoding="utf-8"), Loader=YAML_LOADER) for p in paths]
    for path in paths + [source / TOPICS_FILE, source / GLOSSARY_FILE, source / VOCABULARY_FILE]:
        if path.exists():
            shutil.copy(path, target / path.name)
    for i in range(n):
        data = seeds[i % len(seeds)]
        council = dict(data["council"])
        council["id"] = f"synthetic-{i + 1:03d}"
        label = council.get("short_name") or council.get("name") or council["id"]
        council["name"] = f"Synthetic Council {i + 1} (text of {label})"
        council.pop("short_name", None)
        text = yaml.dump({**data, "council": council}, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False)
        (target / f"{council['id']}.yaml").write_text(text, encoding="utf-8")


# --- The plain baseline: the same clause text as hand-written Markdown ---------------------------


def markdown_escape(line: str) -> str:
    return "".join("\\" + ch if ch in "\\*_[]<>`#|" else ch for ch in line)


def plain_version_page(protocol, version) -> str:
    lines = [f"# {protocol.council.display_name}: {markdown_escape(protocol.title)} ({version.label})", ""]
    for section in version.sections:
        lines += [f"## {section.number or ''} {markdown_escape(section.title)}".replace("  ", " "), ""]
        for clause in section.clauses:
            lines += [f"### {clause.display_number or ''} {markdown_escape(clause.title or '')} {{#{clause.id}}}", ""]
            lines += [markdown_escape(line) + "\n" for block in clause.content for line in block_lines(block)]
    return "\n".join(lines)


def write_plain_project(protocols_dir: Path, target: Path) -> int:
    """A mkdocs-material project of one page per council version; returns the number of pages."""
    library = load_library(protocols_dir)
    docs = target / "docs"
    (docs / "councils").mkdir(parents=True)
    (docs / "index.md").write_text("# Protocols\n\n" + "\n".join(
        f"- [{p.council.display_name}](councils/{p.id}.md)" for p in library.protocols) + "\n")
    pages = 1
    for protocol in library.protocols:
        for version in protocol.versions:
            name = protocol.id if version is protocol.default_version else f"{protocol.id}-{version.id}"
            (docs / "councils" / f"{name}.md").write_text(plain_version_page(protocol, version), encoding="utf-8")
            pages += 1
    (target / "mkdocs.yml").write_text(
        "site_name: Plain protocols\ntheme:\n  name: material\n"
        "markdown_extensions: [attr_list, toc]\nplugins: [search]\n")
    return pages


# --- Measuring a build -----------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    cpu_seconds: float  # user + system, the build's processes together: steadier than wall time on a busy machine
    peak_kib: int
    site_bytes: int
    site: Path
    mkdocs_kib: int = 0   # peak RSS of the mkdocs process itself
    indexer_kib: int = 0  # largest peak RSS of a Pagefind run it started, 0 if none


def measured_build(config: Path, site: Path, env: dict) -> Build:
    command = [sys.executable, "-c", MEASURED, "mkdocs", "build", "-q",
               "-f", str(config), "-d", str(site)]
    started = time.perf_counter()
    result = subprocess.run(command, env={**env, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build -f {config} failed:\n{result.stderr}")
    cpu, mkdocs_kib, indexer_kib = result.stderr.strip().splitlines()[-1].split()
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Build(seconds, float(cpu), max(int(mkdocs_kib), int(indexer_kib)), size, site,
                 int(mkdocs_kib), int(indexer_kib))


# --- Measuring search in headless Chromium ---------------------------------------------------------


@dataclass
class SearchRun:
    seconds: float     # from the query being entered to the first result on screen (the page's clock)
    idle_seconds: float  # ... to Playwright seeing it, which waits until the page is next idle
    total_bytes: int   # served from opening the home page to the first result shown
    search_bytes: int  # served from focusing the search box to the first result shown


# (the search box, a result) for each engine
ENGINES = {
    "pagefind": ("#hb-search-input", ".hb-search__result"),
    "material": ("input.md-search__input", ".md-search-result__item"),
}
WARM_PAUSE_MS = 2000
PAGE_TIMEOUT_MS = 600_000  # a question table at 4,000 councils is tens of megabytes  # a reader who focuses the box, then starts typing two seconds later


def serve(directory: Path):
    """A static server that records (time, body bytes) of every response it sends: the bytes a
    reader downloads, whoever asked for them (page, worker or service worker)."""
    served: list[tuple[float, int]] = []

    class Counting(http.server.SimpleHTTPRequestHandler):
        def copyfile(self, source, outputfile):
            start = source.tell()
            super().copyfile(source, outputfile)
            served.append((time.perf_counter(), source.tell() - start))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(directory)))
    server.served = served
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure_search(browser, site: Path, engine: str, repeat: int, warm: bool) -> SearchRun:
    """The median run of `repeat`, each in a fresh browser context (a reader's first visit)."""
    runs = sorted((search_once(browser, site, engine, warm) for _ in range(repeat)), key=lambda r: r.seconds)
    return runs[len(runs) // 2]


def search_once(browser, site: Path, engine: str, warm: bool) -> SearchRun:
    box, result = ENGINES[engine]
    server = serve(site)
    # Service workers off: the handbook's offline cache is measured separately (offline_bytes).
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load", timeout=PAGE_TIMEOUT_MS)
        focused = time.perf_counter()
        page.click(box)
        if warm:
            page.wait_for_timeout(WARM_PAUSE_MS)
        page.evaluate(ON_SCREEN, result)
        # The whole query arrives at once (one input event, then a key release for material's
        # keyup listener), so the time is the engine's, not the typing's.
        typed_ms = page.evaluate("performance.now()")
        typed = time.perf_counter()
        page.keyboard.insert_text(QUERY)
        page.keyboard.press("End")
        page.wait_for_selector(result, timeout=120_000)
        shown = time.perf_counter()
        seconds = (page.evaluate("window.hbBenchShown") - typed_ms) / 1000
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return SearchRun(seconds, shown - typed, sum(n for t, n in server.served if t <= shown),
                     sum(n for t, n in server.served if focused <= t <= shown))


# When the first result is on screen, by the page's own clock: the first frame after it is in the
# page has been painted and the page has run again. Timing Playwright's round trip instead counts
# until the page is next idle: a search still decoding later results after painting the first
# ones (the handbook's does) would be charged for that too.
ON_SCREEN = """(selector) => {
  window.hbBenchShown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!document.querySelector(selector)) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}"""


def offline_bytes(site: Path) -> int:
    """What the handbook's service worker stores on a reader's first visit (offline-pages.json)."""
    manifest = site / "offline-pages.json"
    if not manifest.exists():
        return 0
    pages = json.loads(manifest.read_text())["pages"]
    return sum((site / url / "index.html").stat().st_size for url in pages if (site / url / "index.html").exists())


# --- The comparison pages: their size, and the time to show two councils side by side -----------------


def comparison_sizes(site: Path) -> dict[str, tuple[int, int, int]]:
    """(files, total bytes, largest) of each kind of comparison output in a built handbook."""
    kinds = {
        "question tables (a page per topic)": [p for p in (site / "compare").glob("*/index.html")
                                                if p.parent.name != "side-by-side"],
        "side-by-side page": [site / "compare" / "side-by-side" / "index.html"],
        "side-by-side data (a JSON file per council)": list((site / "compare" / "data").glob("*.json")),
        "review pages (one per council)": list((site / "councils").glob("*/review/index.html")),
    }
    return {kind: (len(files), sum(f.stat().st_size for f in files), max((f.stat().st_size for f in files), default=0))
            for kind, files in kinds.items()}


@dataclass
class Shown:
    seconds: float  # from the action to the answers being on screen
    bytes: int      # served from opening the page to the answers being on screen


def show_pair(browser, site: Path, a: str, b: str) -> Shown:
    """A reader opens the side-by-side page, picks two councils and asks to see them."""
    server = serve(site)
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        opened = time.perf_counter()
        page.goto(f"http://127.0.0.1:{server.server_port}/compare/side-by-side/", wait_until="load",
                  timeout=PAGE_TIMEOUT_MS)
        page.select_option("#hb-pair-a", a)
        page.select_option("#hb-pair-b", b)
        asked = time.perf_counter()
        page.click("form.hb-pair button[type=submit]")
        page.wait_for_selector("#hb-pair-result:not([hidden]) .hb-answer__council", timeout=PAGE_TIMEOUT_MS)
        shown = time.perf_counter()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return Shown(shown - asked, sum(n for t, n in server.served if opened <= t <= shown))


def open_largest_table(browser, site: Path) -> Shown:
    """The baseline: the same reader opening the largest question table, every council's answers."""
    largest = max((p for p in (site / "compare").glob("*/index.html") if p.parent.name != "side-by-side"),
                  key=lambda p: p.stat().st_size)
    server = serve(site)
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        opened = time.perf_counter()
        page.goto(f"http://127.0.0.1:{server.server_port}/compare/{largest.parent.name}/", wait_until="load",
                  timeout=PAGE_TIMEOUT_MS)
        shown = time.perf_counter()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return Shown(shown - opened, sum(n for t, n in server.served if opened <= t <= shown))


def median_of(runs: list[Shown]) -> Shown:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


# --- Report ------------------------------------------------------------------------------------------


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def row(name: str, handbook: float, plain: float, fmt) -> str:
    ratio = f"{handbook / plain:6.2f}x" if plain else "     -"
    return f"  {name:<44} {fmt(handbook):>12} {fmt(plain):>12}   {ratio}"


def run_size(n: int, work: Path, config: Path, browser, repeat: int) -> dict:
    protocols = work / f"n{n}" / "protocols"
    write_synthetic_protocols(n, protocols, default_root())
    plain_project = work / f"n{n}" / "plain"
    pages = write_plain_project(protocols, plain_project)
    env = {**os.environ, "HANDBOOK_PROTOCOLS": str(protocols)}
    handbook = measured_build(config, work / f"n{n}" / "handbook-site", env)
    plain = measured_build(plain_project / "mkdocs.yml", plain_project / "site", env)
    words = sum(len(" ".join(block_lines(b)).split()) for p in load_library(protocols).protocols
                for v in p.versions for c in v.clauses() for b in c.content)
    result = {"n": n, "real": len(protocol_paths(default_root())), "plain_pages": pages, "words": words, "handbook": handbook, "plain": plain}
    result["comparisons"] = comparison_sizes(handbook.site)
    # The build figures first: at national scale the browser measurements take long, and a
    # failure there should not lose them.
    report_builds(result)
    if browser is not None:
        councils = [p.id for p in load_library(protocols).protocols]
        result["pair"] = (median_of([show_pair(browser, handbook.site, councils[0], councils[-1]) for _ in range(repeat)]),
                          median_of([open_largest_table(browser, handbook.site) for _ in range(repeat)]))
        result["search"] = {warm: (measure_search(browser, handbook.site, "pagefind", repeat, warm),
                                   measure_search(browser, plain.site, "material", repeat, warm))
                            for warm in (False, True)}
    return result


def report_builds(r: dict) -> None:
    h, p = r["handbook"], r["plain"]
    print(f"\nN = {r['n']} synthetic councils + the {r['real']} real ones "
          f"({r['plain_pages']} plain pages, {r['words']:,} words of clause text)")
    print(f"  {'':<44} {'handbook':>12} {'plain':>12}   ratio")
    print(row("build time (wall clock)", h.seconds, p.seconds, lambda s: f"{s:.1f} s"))
    print(row("build CPU time (user + system)", h.cpu_seconds, p.cpu_seconds, lambda s: f"{s:.1f} s"))
    print(row("peak memory (largest build process)", h.peak_kib * 1024, p.peak_kib * 1024, human_bytes))
    print(row("  of it: the mkdocs process", h.mkdocs_kib * 1024, p.mkdocs_kib * 1024, human_bytes))
    print(f"  {'  of it: the search indexer (Pagefind)':<44} {human_bytes(h.indexer_kib * 1024):>12} {'-':>12}")
    print(row("site size", h.site_bytes, p.site_bytes, human_bytes))
    print(row("offline cache filled on first visit", offline_bytes(h.site), offline_bytes(p.site), human_bytes))
    print("  comparison pages (files, total, largest):")
    for kind, (files, total, largest) in r["comparisons"].items():
        print(f"    {kind:<46} {files:>5} {human_bytes(total):>10} {human_bytes(largest):>10}")
    sys.stdout.flush()


def report_browser(r: dict) -> None:
    if "pair" in r:
        pair, table = r["pair"]
        print(f"  {'':<44} {'pair':>12} {'table':>12}   ratio")
        print(row("show two councils side by side: time", pair.seconds, table.seconds, lambda s: f"{s:.2f} s"))
        print(row("  bytes fetched (page + two councils' data)", pair.bytes, table.bytes, human_bytes))
    if "search" in r:
        (pf, mat), (pf_warm, mat_warm) = r["search"][False], r["search"][True]
        print(row("bytes from opening to first result", pf.total_bytes, mat.total_bytes, human_bytes))
        print(row("bytes from focusing search to first result", pf.search_bytes, mat.search_bytes, human_bytes))
        print(row("first result, typed at once on focus", pf.seconds, mat.seconds, lambda s: f"{s:.2f} s"))
        print(row(f"first result, typed {WARM_PAUSE_MS / 1000:.0f} s after focus", pf_warm.seconds, mat_warm.seconds,
                  lambda s: f"{s:.2f} s"))
        print(row("  until the page is idle again (cold)", pf.idle_seconds, mat.idle_seconds, lambda s: f"{s:.2f} s"))
        print(row("  until the page is idle again (warm)", pf_warm.idle_seconds, mat_warm.idle_seconds,
                  lambda s: f"{s:.2f} s"))
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="4,40,400", help="comma-separated numbers of councils")
    parser.add_argument("--national", action="store_true",
                        help="400 and 4,000 councils (national scale: over 300 principal and about 10,000 "
                             "town and parish councils in England); about an hour on 2 cores")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="the handbook's mkdocs.yml")
    parser.add_argument("--no-browser", action="store_true", help="skip the search measurements")
    parser.add_argument("--repeat", type=int, default=3, help="search runs per engine (the median is shown)")
    parser.add_argument("--keep", type=Path, help="write the projects and sites here and keep them")
    args = parser.parse_args()
    if not args.config.exists():
        raise SystemExit(f"{args.config}: no handbook mkdocs.yml to build")
    sizes = [400, 4000] if args.national else [int(s) for s in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="build-scale-"))
    if args.keep and args.keep.exists():
        shutil.rmtree(args.keep)
    print(f"handbook config: {args.config}; plain: mkdocs-material + built-in search; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; sites served uncompressed by a local http.server")
    try:
        if args.no_browser:
            for n in sizes:
                run_size(n, work, args.config.resolve(), None, args.repeat)
            return
        from playwright.sync_api import sync_playwright
        chromium = shutil.which("chromium")
        if chromium is None:
            raise SystemExit("Debian's chromium is needed for the search figures (or pass --no-browser)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            for n in sizes:
                report_browser(run_size(n, work, args.config.resolve(), browser, args.repeat))
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
