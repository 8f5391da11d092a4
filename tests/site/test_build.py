"""The built site (mkdocs build --strict of mkdocs.yml): every page type exists, no broken links."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import pytest

from tests.conftest import ROOT


def test_every_council_and_version_has_its_page(built_site, library):
    assert (built_site / "index.html").exists()
    assert (built_site / "councils" / "index.html").exists()
    for protocol in library.protocols:
        assert (built_site / "councils" / protocol.id / "index.html").exists()
        for version in protocol.versions:
            assert (built_site / "councils" / protocol.id / version.id / "index.html").exists()


def test_clause_anchor_is_a_heading_inside_the_content(built_site):
    html = (built_site / "councils" / "sedgemoor" / "index.html").read_text()
    assert '<h3 class="hb-clause__heading" id="c8-3"><span class="hb-clause__number">8.3</span></h3>' in html
    content = html[html.index('class="md-content"'):]
    assert 'id="c8-3"' in content


def test_home_page_facts_come_from_the_library(built_site, library):
    html = (built_site / "index.html").read_text()
    assert f"holds {len(library.protocols)} councils" in html
    in_force = sum(len(list(p.default_version.clauses())) for p in library.protocols)
    assert f"({in_force} clauses in the versions in force)" in html
    assert f"comparisons across {len(library.topics)} topics" in " ".join(html.split())
    assert "{{" not in html
    assert "Sedgemoor DC, PROTOCOL FOR MEMBER/OFFICER RELATIONS (Version 2), para 8.3" in html


def test_offline_manifest_lists_every_council_page(built_site, library):
    manifest = json.loads((built_site / "offline-pages.json").read_text())
    assert set(manifest["pages"]) >= {f"councils/{p.id}/" for p in library.protocols}
    for page in manifest["pages"]:
        assert (built_site / page / "index.html").exists()
    assert (built_site / "sw.js").exists()


def test_broken_yaml_fails_the_build_with_the_librarys_positioned_message(tmp_path):
    protocols = tmp_path / "protocols"
    shutil.copytree(ROOT / "protocols", protocols)
    broken = protocols / "sedgemoor.yaml"
    broken.write_text(broken.read_text().replace("    number: \"1\"\n", "    number: [1\n", 1))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                             str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True,
                            env={"HANDBOOK_PROTOCOLS": str(protocols), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "handbook-pages: the protocol library in" in result.stderr
    assert f"{broken}:" in result.stderr and "Traceback" not in result.stderr


def copy_project(tmp_path):
    """The project's mkdocs.yml and docs/ in a temporary folder, with its own protocols copy."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "protocols", tmp_path / "protocols")
    return {**os.environ, "HANDBOOK_PROTOCOLS": str(tmp_path / "protocols"), "NO_MKDOCS_2_WARNING": "1"}


def build(project, env):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project,
                          capture_output=True, text=True, env=env)


def test_a_typo_in_a_macro_fails_the_build(tmp_path):
    env = copy_project(tmp_path)
    home = tmp_path / "docs" / "index.md"
    home.write_text(home.read_text().replace('quote_clause("sedgemoor", "c8-3")', 'quote_clause("sedgemoor", "c8-33")'))
    result = build(tmp_path, env)
    assert result.returncode != 0 and "c8-33" in result.stderr
    home.write_text(home.read_text().replace("{{ council_count() }}", "{{ councils_count }}"))
    result = build(tmp_path, env)
    assert result.returncode != 0 and "councils_count" in result.stderr


def test_a_hand_written_page_cannot_shadow_a_generated_one(tmp_path):
    env = copy_project(tmp_path)
    (tmp_path / "docs" / "compare").mkdir()
    (tmp_path / "docs" / "compare" / "index.md").write_text("# My comparison\n")
    result = build(tmp_path, env)
    assert result.returncode != 0
    assert "'compare/index.md' is generated from the library" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(predicate, server, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"mkdocs serve exited: {server.stderr.read()}")
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail("timed out waiting for mkdocs serve")


def test_mkdocs_serve_rebuilds_when_a_protocol_file_changes(tmp_path):
    env = copy_project(tmp_path)
    address = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    page = f"http://{address}/councils/sedgemoor/"
    try:
        assert "Last reviewed May 2018" in wait_for(lambda: fetch(page), server)
        source = tmp_path / "protocols" / "sedgemoor.yaml"
        source.write_text(source.read_text().replace('reviewed: "2018-05"', 'reviewed: "2019-06"', 1))
        wait_for(lambda: "Last reviewed June 2019" in (fetch(page) or ""), server)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def test_first_use_of_a_role_in_a_clause_links_to_its_glossary_entry(built_site):
    html = (built_site / "councils" / "sedgemoor" / "index.html").read_text()
    clause = html[html.index('data-clause="c8-4"'):]
    clause = clause[: clause.index('data-clause="c8-5"')]
    assert clause.count('href="../../glossary/#monitoring-officer"') == 1
    glossary = (built_site / "glossary" / "index.html").read_text()
    assert 'id="monitoring-officer"' in glossary



def test_nav_paths_reads_every_shape_of_nav_entry():
    from handbook_site.plugin import nav_paths

    nav = ["index.md", {"Councils": "councils/index.md"}, {"More": [{"Topics": "topics/index.md"}, "about.md"]}]
    assert nav_paths(nav) == ["index.md", "councils/index.md", "topics/index.md", "about.md"]


def test_offline_precache_stops_at_its_limit(library):
    from handbook_site.plugin import offline_manifest

    assert len(json.loads(offline_manifest(library, 40))["pages"]) == len(library.protocols) + 1
    assert json.loads(offline_manifest(library, len(library.protocols) - 1))["pages"] == ["councils/"]


def test_the_site_builds_unchanged_with_properdocs(built_site, tmp_path):
    """ProperDocs (the maintained continuation of MkDocs 1.x, which runs MkDocs plugins and themes)
    builds the same mkdocs.yml, strictly, into the same pages: only the generator <meta> differs."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "--config-file",
                             str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, f"properdocs build --strict failed:\n{result.stderr}"
    assert "ProperDocs" in (site / "index.html").read_text()  # it really was ProperDocs that built it

    def pages(root):
        return sorted(p.relative_to(root) for p in root.rglob("*.html") if "pagefind" not in p.parts)

    generator = re.compile(r'<meta name="generator" content="[^"]*">')
    assert pages(site) == pages(built_site)
    differing = [str(p) for p in pages(site)
                 if generator.sub("", (site / p).read_text()) != generator.sub("", (built_site / p).read_text())]
    assert differing == []
    assert (site / "pagefind" / "pagefind.js").exists()


def test_owner_and_contact_come_from_configuration(tmp_path):
    """mkdocs.yml `extra:` owner and contact (here through the environment, as a deployment sets
    them) appear in every page's footer and in the accessibility statement's feedback section."""
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_OWNER": "Testshire District Council",
           "HANDBOOK_CONTACT_EMAIL": "handbook@testshire.example", "HANDBOOK_CONTACT_URL": "https://testshire.example/contact"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                             str(ROOT / "mkdocs.yml"), "--site-dir", str(site)], cwd=ROOT, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    for page in (site / "index.html", site / "councils" / "sedgemoor" / "index.html", site / "glossary" / "index.html"):
        footer = page.read_text().split('<footer class="md-footer">')[1]
        assert "This handbook is run by Testshire District Council." in footer
        assert '<a href="mailto:handbook@testshire.example">handbook@testshire.example</a>' in footer
        assert '<a href="https://testshire.example/contact">contact page</a>' in footer
        assert "Accessibility statement</a>" in footer
    statement = (site / "accessibility" / "index.html").read_text()
    assert "This website is run by Testshire District Council." in statement
    assert 'email <a href="mailto:handbook@testshire.example">handbook@testshire.example</a>' in statement
