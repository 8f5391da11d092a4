"""Handbook search (handbook_site/search.py + assets/search.*): a Pagefind index over the built
site, a header search box, clause-level results, superseded versions kept out.

The site searched here is a small mkdocs-material project written from the real library with
clause headings rendered as the pages plugin's contract says (a heading whose id is the clause id,
page.meta handbook_kind / handbook_version_status); it keeps these tests independent of the page
generator's layout while exercising the real plugin, the real Pagefind binary and the real index.
"""
from __future__ import annotations

import functools
from itertools import pairwise
import gzip
import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from mkdocs.exceptions import PluginError

from handbook.diff import diff_versions
from handbook.text import block_lines
from handbook_site import search as search_plugin
from tests.conftest import WCAG_TAGS

MKDOCS_YML = """site_name: Search test handbook
theme:
  name: material
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
markdown_extensions: [attr_list, toc]
plugins: [handbook-search]
"""


def version_page(library, protocol, version, status: str) -> str:
    lines = ["---", f"handbook_kind: {'protocol' if status == 'current' else 'version'}",
             f"handbook_version_status: {status}", "---", "",
             f"# {protocol.council.display_name}: {protocol.title} ({version.label})", ""]
    for section in version.sections:
        lines += [f"## {section.number or ''} {section.title}", ""]
        for clause in section.clauses:
            lines += [f"### {clause.display_number or ''} {clause.title or ''} {{#{clause.id}}}", ""]
            lines += ["Topics: " + ", ".join(library.topic(t).title for t in clause.topics), ""]
            lines += [line.replace("*", "\\*") + "\n" for block in clause.content for line in block_lines(block)]
    return "\n".join(lines)


def write_project(library, root: Path) -> None:
    docs = root / "docs"
    (docs / "councils").mkdir(parents=True)
    (docs / "index.md").write_text("# Handbook\n\nThe member/officer protocols.\n")
    (docs / "private.md").write_text("---\nsearch: {exclude: true}\n---\n# Drafting notes\n\nZanzibar.\n")
    for protocol in library.protocols:
        for version in protocol.versions:
            status = "current" if version is protocol.latest else "superseded"
            name = protocol.id if status == "current" else f"{protocol.id}-{version.id}"
            (docs / "councils" / f"{name}.md").write_text(version_page(library, protocol, version, status))
    (root / "mkdocs.yml").write_text(MKDOCS_YML)


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                          capture_output=True, text=True)


@pytest.fixture(scope="session")
def search_site(library, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search-site")
    write_project(library, root)
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def search_url(search_site):
    server = serve(search_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def superseded_phrase(library) -> tuple[str, str]:
    """(version id, words) deleted by a later version: text only a superseded page has."""
    for protocol in library.protocols:
        for old, new in pairwise(protocol.versions):
            for change in diff_versions(protocol, old, new).changed:
                for run in change.words:
                    if run.kind == "delete" and len(run.text.split()) >= 4:
                        return old.id, " ".join(run.text.split()[:5])
    pytest.skip("the library has no superseded wording")


# --- The plugin without a browser -------------------------------------------------------------


def test_build_writes_a_pagefind_index_and_a_search_box_on_every_page(search_site):
    assert (search_site / "pagefind" / "pagefind.js").exists()
    assert list((search_site / "pagefind" / "fragment").iterdir())
    for page in [search_site / "index.html", search_site / "councils" / "sedgemoor" / "index.html"]:
        html = page.read_text()
        assert 'id="hb-search-input"' in html
        assert "assets/handbook-search/search.js" in html


def test_earlier_versions_are_indexed_under_their_own_filter(search_site, library):
    version_id, _ = superseded_phrase(library)
    old_page = next(search_site.glob(f"councils/*-{version_id}/index.html"))
    assert 'data-pagefind-filter="version:earlier"' in old_page.read_text()
    current = (search_site / "councils" / "sedgemoor" / "index.html").read_text()
    assert 'data-pagefind-filter="version:current"' in current
    assert 'data-pagefind-filter="version:earlier"' not in current


def test_box_links_to_the_index_relative_to_each_page(search_site):
    assert 'data-bundle="pagefind/"' in (search_site / "index.html").read_text()
    assert 'data-bundle="../../pagefind/"' in (search_site / "councils" / "wbc" / "index.html").read_text()


def test_search_box_goes_in_the_header_or_else_at_the_top_of_the_body():
    box = search_plugin.search_box("../pagefind/")
    material = '<body><header><nav class="md-header__inner md-grid" aria-label="Header"><a>Logo</a></nav></header><nav class="md-nav">x</nav></body>'
    placed = search_plugin.insert_search_box(material, box)
    assert placed.index(box) < placed.index("</nav></header>") and placed.index("<a>Logo</a>") < placed.index(box)
    with_repo = material.replace("</nav></header>", '<div class="md-header__source">repo</div></nav></header>')
    placed = search_plugin.insert_search_box(with_repo, box)
    assert placed.index("<a>Logo</a>") < placed.index(box) < placed.index('<div class="md-header__source">')
    other = '<html><body class="plain"><main>Text</main></body></html>'
    assert search_plugin.insert_search_box(other, box) == f'<html><body class="plain">{box}<main>Text</main></body></html>'


def test_indexer_failure_is_a_clear_plugin_error(tmp_path, monkeypatch):
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: cannot read site' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search_plugin, "pagefind_executable", lambda: failing)
    plugin = search_plugin.PagefindSearchPlugin()
    plugin.load_config({})
    plugin.marked_pages = ["index.html"]
    with pytest.raises(PluginError, match=r"(?s)Pagefind failed indexing .*exit 3.*cannot read site"):
        plugin.on_post_build(config={"site_dir": str(tmp_path)})


def test_front_matter_search_exclude_keeps_a_page_out(search_site):
    assert "data-pagefind-body" not in (search_site / "private" / "index.html").read_text()
    assert "data-pagefind-body" in (search_site / "index.html").read_text()


def test_excluded_selectors_are_not_indexed(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        '# Clauses\n\n<h3 id="c1">1.1</h3>\n<div class="tools">Copy citation</div>\n\nMembers may ask.\n')
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.replace(
        "plugins: [handbook-search]", "plugins: [{handbook-search: {exclude_selectors: ['.tools']}}]"))
    assert mkdocs_build(tmp_path).returncode == 0
    fragments = [gzip.decompress(f.read_bytes()) for f in (tmp_path / "site" / "pagefind" / "fragment").iterdir()]
    assert any(b"Members may ask" in f for f in fragments)
    assert not any(b"Copy citation" in f for f in fragments)


def test_site_with_nothing_indexable_fails_the_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("---\nsearch: {exclude: true}\n---\n# Old\n")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML)
    result = mkdocs_build(tmp_path)
    assert result.returncode != 0
    assert "no page of" in result.stderr and "refusing to index" in result.stderr


def test_mkdocs_serve_serves_the_search_index(library, tmp_path):
    write_project(library, tmp_path)
    address = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address, "--no-livereload"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://{address}/pagefind/pagefind-entry.json", timeout=2) as response:
                    entry = response.read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"mkdocs serve never served the index: {server.stderr.read() if server.poll() is not None else 'timeout'}")
                time.sleep(0.3)
        assert b'"languages"' in entry
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


# --- In the browser -----------------------------------------------------------------------------


def search(page, query: str) -> list[dict]:
    """Type a query and wait until the results for it (not an earlier query's) are shown."""
    page.fill("#hb-search-input", query)
    page.wait_for_function("q => document.getElementById('hb-search-status').textContent.includes(`found for “${q}”`)",
                           arg=query)
    return page.eval_on_selector_all(
        ".hb-search__result", "links => links.map(a => ({href: a.href, text: a.innerText}))")


@pytest.mark.browser
def test_phrase_lists_each_councils_clause(page, search_url):
    page.goto(search_url)
    results = search(page, "roving commission")
    anchors = {(urlparse(r["href"]).path, urlparse(r["href"]).fragment) for r in results}
    assert ("/councils/sedgemoor/", "c8-3") in anchors
    assert ("/councils/wbc/", "c6-3") in anchors
    sedgemoor = next(r for r in results if r["href"].endswith("/councils/sedgemoor/#c8-3"))
    assert "8.3" in sedgemoor["text"] and "roving commission" in sedgemoor["text"]


@pytest.mark.browser
def test_results_link_into_a_site_deployed_under_a_sub_path(page, search_site, tmp_path):
    (tmp_path / "handbook").symlink_to(search_site, target_is_directory=True)
    server = serve(tmp_path)
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/handbook/councils/wbc/")
        results = search(page, "roving commission")
        assert any(urlparse(r["href"]).path == "/handbook/councils/sedgemoor/" for r in results)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_following_a_result_lands_on_the_clause(page, search_url):
    page.goto(search_url)
    search(page, "roving commission")
    page.click(".hb-search__result[href$='/councils/sedgemoor/#c8-3']")
    page.wait_for_url("**/councils/sedgemoor/#c8-3")
    clause = page.locator("[id='c8-3']")
    assert clause.is_visible()
    page.wait_for_function("document.getElementById('c8-3').getBoundingClientRect().top < innerHeight")
    top = page.evaluate("document.getElementById('c8-3').getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]


@pytest.mark.browser
def test_clause_numbers_and_topic_names_find_clauses(page, search_url, library):
    page.goto(search_url)
    assert any(r["href"].endswith("/councils/sedgemoor/#c8-3") for r in search(page, "8.3"))
    topic = library.topic(library.protocol("sedgemoor").in_force.clause("c8-3").topics[0])
    first = [urlparse(r["href"]) for r in search(page, topic.title)][:3]
    assert len(first) == 3
    for url in first:  # each page here lists its clauses' topic names: those tagged with it come first
        clause = library.protocol(url.path.split("/")[2]).default_version.clause(url.fragment)
        assert topic.id in clause.topics, url


def wait_for_status(page, query: str) -> list[str]:
    page.wait_for_function(
        "q => /(found|Nothing found) for “/.test(document.getElementById('hb-search-status').textContent)"
        " && document.getElementById('hb-search-status').textContent.includes(q)", arg=query)
    return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => a.href)")


@pytest.mark.browser
def test_superseded_wording_is_only_in_results_when_asked_for(page, search_url, library):
    version_id, phrase = superseded_phrase(library)
    page.goto(search_url)
    page.fill("#hb-search-input", phrase)
    assert not [h for h in wait_for_status(page, phrase) if version_id in h]
    page.check("#hb-search-earlier")
    page.wait_for_selector(f".hb-search__result[href*='{version_id}']")
    old = page.locator(f".hb-search__result[href*='{version_id}']").first.inner_text()
    assert "superseded version" in old


def header_axe_violations(page) -> list[str]:
    """WCAG 2.2 A/AA violations in the header, where the search box and its results are (the rest
    of the page is the pages plugin's, checked by its own tests)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[".md-header"]]},
                        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"]]


@pytest.mark.browser
def test_search_results_state_is_axe_clean_in_light_and_dark(page, search_url):
    page.goto(search_url)
    search(page, "roving commission")
    assert header_axe_violations(page) == []
    page.click("label[for='__palette_1']")  # the theme's own light/dark toggle
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    search(page, "political group")
    assert header_axe_violations(page) == []


@pytest.mark.browser
def test_keyboard_only_search(page, search_url):
    page.goto(search_url)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "hb-search-input"
    page.keyboard.type("roving commission")
    page.wait_for_function("document.getElementById('hb-search-status').textContent.includes('found for “roving commission”')")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.href")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.href")
    assert first != second and "#c" in second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "hb-search-input"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hb-search-earlier"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.href") == first
    page.keyboard.press("Enter")
    page.wait_for_url(first)
    fragment = urlparse(first).fragment
    assert page.evaluate(f"document.getElementById('{fragment}').getBoundingClientRect().top") < page.viewport_size["height"]


@pytest.mark.browser
def test_escape_closes_results_and_returns_to_the_box(page, search_url):
    page.goto(search_url)
    search(page, "roving commission")
    page.focus(".hb-search__result")
    page.keyboard.press("Escape")
    assert page.locator("#hb-search-results").is_hidden()
    assert page.evaluate("document.activeElement.id") == "hb-search-input"


@pytest.mark.browser
def test_missing_index_says_search_is_unavailable(page, search_url):
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(search_url)
    page.fill("#hb-search-input", "roving commission")
    page.wait_for_function("document.getElementById('hb-search-status').textContent.includes('unavailable')")
    assert page.locator(".hb-search__result").count() == 0
    page.unroute("**/pagefind/pagefind.js")  # the index is back: the next key searches again
    search(page, "roving commission")


def test_pagefind_reads_only_the_searchable_pages_when_it_can():
    glob = search_plugin.index_glob(["councils/wbc/index.html", "index.html", "councils/wbc/v1/index.html"])
    assert glob == "{councils/wbc/index.html,councils/wbc/v1/index.html,index.html}"
    assert search_plugin.index_glob([]) is None  # nothing marked: never an empty glob
    assert search_plugin.index_glob(["odd,name/index.html"]) is None  # would split the alternatives
    many = [f"councils/council-{i:05d}/index.html" for i in range(5000)]
    assert search_plugin.index_glob(many) is None  # too long for one argument: read every page


# --- Index metadata and what search.js offers (issue 15) ----------------------------------------


def test_reader_words_go_hidden_after_each_clause_heading(library):
    content = ('<h3 class="hb-clause__heading" id="c1-1">1.1</h3><p>No Member may put undue pressure on an officer.</p>'
               '<div class="admonition note hb-editorial"><p>Transcribed from the press copy.</p></div>'
               '<h3 class="hb-clause__heading" id="c1-2">1.2</h3><p>Nothing in the vocabulary here: zebra.</p>')
    marked = search_plugin.add_reader_words(content, library.vocabulary)
    hidden = marked[marked.index('<span hidden id="hbv-c1-1"'):marked.index("</span>", marked.index("hbv-c1-1"))]
    assert "councillor" in hidden and "lobbying" in hidden
    assert "journalist" not in hidden  # "press" is in the transcribers' note, not the clause
    assert 'id="hbv-c1-2"' not in marked
    assert search_plugin.TAG.sub("", marked.replace(hidden, "")) == search_plugin.TAG.sub("", content)


def test_a_clauses_hidden_words_come_from_its_own_text_only(library):
    from handbook.render import clause_html
    sedgemoor = library.protocol("sedgemoor").in_force
    chips = '<ul class="hb-chips"><li><a class="hb-chip">Media and social media</a></li></ul>'
    content = (clause_html(sedgemoor.clause("c5-1"), extras=chips)  # "Nor should any Member instruct an officer"
               + '<h2 id="s6">6 Press releases</h2>' + clause_html(sedgemoor.clause("c6-1"))
               + '<h2 id="document-details">Document details</h2><p>Published by the press office under the social media guidance.</p>')
    marked = search_plugin.add_reader_words(content, library.vocabulary)

    def hidden(clause: str) -> str:
        start = marked.index(f'<span hidden id="hbv-{clause}"')
        return marked[start:marked.index("</span>", start)]

    assert "lobbying" not in hidden("c5-1") and "order" in hidden("c5-1")  # instruct, not pressure
    assert "journalist" not in hidden("c5-1")  # the chip and the next section's heading are not the clause
    assert not {"journalist", "facebook"} & set(hidden("c6-1").split())  # nor the page's details after it
    assert "staff" in hidden("c6-1") and "councillor" in hidden("c6-1")


def test_search_data_offers_topics_questions_and_roles_by_their_words(library):
    data = search_plugin.search_data(library)
    topics = {t["url"]: t for t in data["topics"]}
    pressure = topics["topics/instructions-and-pressure/"]
    assert "lobbying" in pressure["reader"] and "pressurise" in pressure["words"] and "instructions" in pressure["title_words"]
    # one word per stem, in its highest tier only: "pressure" is the title's ("undue pressure" in the
    # vocabulary), "lobbying" stands for "lobby" and "lobbied"; no stop words
    assert "pressure" in pressure["title_words"] and "pressure" not in pressure["words"]
    assert not {"lobby", "lobbied"} & set(pressure["reader"]) and "and" not in pressure["title_words"]
    assert len(data["questions"]) == len(library.questions)
    # Each question leads to its topic's question table.
    assert {q["url"] for q in data["questions"]} == {f"compare/{t.id}/" for t in library.topics if t.questions}
    assert {"name": "Monitoring Officer", "url": "glossary/#monitoring-officer"}.items() <= next(
        r for r in data["roles"] if r["name"] == "Monitoring Officer").items()
    # spelling suggestions come from these words (search.js gathers them): the vocabulary's are there
    assert "bullying" in {w for t in data["topics"] for w in t["words"] + t["reader"]}
    # the words naming each side, for who does what to whom
    assert {"member", "councillor"} <= set(data["sides"]["member"])
    assert {"employee", "member of staff"} <= set(data["sides"]["officer"]) and "member of the public" in data["sides"]["public"]


def test_topic_comparison_and_glossary_pages_are_offered_not_indexed(built_site):
    fragments = search_plugin_indexed_urls(built_site)
    assert "/councils/sedgemoor/" in fragments
    assert not [u for u in fragments if u.startswith(("/topics/", "/compare/", "/glossary/"))]
    data = json.loads((built_site / "pagefind" / "search-data.json").read_text())
    assert data["topics"] and data["roles"]


def search_plugin_indexed_urls(site: Path) -> set[str]:
    urls = set()
    for path in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
        urls.add(json.loads(raw[raw.index("{"):])["url"])
    return urls


def test_hidden_words_are_one_per_stem_as_search_js_stems_them(library):
    """search.py keeps one hidden word per stem; it must stem exactly as search.js does, or a
    dropped form would no longer be found."""
    import re
    import shutil
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    words = sorted({w for e in library.vocabulary for w in search_plugin.words_of(*e.protocol_words, *e.reader_words)})
    js = (Path(search_plugin.__file__).parent / "assets" / "search.js").read_text()
    functions = js[js.index("  function normal(word)"):js.index("  // Does `word`")]
    program = functions + "console.log(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')).map(stem)));"
    out = subprocess.run(["node", "-e", program], input=json.dumps(words), capture_output=True, text=True, check=True)
    assert dict(zip(words, json.loads(out.stdout), strict=True)) == {w: search_plugin.stem(w) for w in words}
    marked = search_plugin.add_reader_words('<h3 class="hb-clause__heading" id="c1">1</h3><p>No undue pressure on officers.</p>',
                                            library.vocabulary)
    hidden = re.search(r'<span hidden id="hbv-c1"[^>]*>(.*?)</span>', marked).group(1).split()
    assert "lobbying" in hidden and "lobbied" not in hidden  # "lobbied" and "lobbying" are one word to search.js
