"""The built site (mkdocs build --strict of mkdocs.yml): every page type exists, no broken links."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
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
