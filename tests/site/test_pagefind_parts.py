"""Indexing in parts (handbook_site/pagefind_parts.py): a site indexed by several Pagefind runs and
merged gives readers the same index as one run over the whole site, word for word and page for page.

The pages are the real library's clauses as the handbook marks them for the index (a body, a title
and kind, a version filter, clause headings with ids, and a note only on earlier versions, so some
parts lack a meta field others have), run through the real Pagefind binary.
"""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest

from handbook import default_root, load_library
from handbook.text import block_lines
from handbook_site import pagefind_parts
from handbook_site.search import pagefind_executable

COMMAND_OPTIONS = ["--quiet", "--exclude-selectors", ".hb-clause__tools"]


def page_html(title: str, kind: str, group: str, note: str | None, body: str) -> str:
    meta = (f'<span hidden data-pagefind-meta="title">{escape(title)}</span>'
            f'<span hidden data-pagefind-meta="kind">{kind}</span>')
    if note:
        meta += f'<span hidden data-pagefind-meta="note">{escape(note)}</span>'
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><nav>Navigation words nobody searches</nav><article>'
            f'<div data-pagefind-body data-pagefind-filter="version:{group}">{meta}<h1>{escape(title)}</h1>'
            f"{body}</div></article></body></html>")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    """Every version of every real protocol as a page, in-force ones current, others earlier."""
    root = tmp_path_factory.mktemp("parts-site")
    library = load_library(default_root())
    pages = []
    for protocol in library.protocols:
        for version in protocol.versions:
            clauses = []
            for clause in version.clauses():
                text = " ".join(escape(line) for block in clause.content for line in block_lines(block))
                clauses.append(f'<h3 id="{clause.id}">{escape(clause.display_number or "")}</h3>'
                               f'<p class="hb-clause__tools">Link Copy citation</p><p>{text}</p>')
            current = version is protocol.default_version
            # a word with an accent, so the index has a variant form of a word too
            body = "".join(clauses) + "<p>The café rule.</p>"
            path = f"councils/{protocol.id}/{version.id}/index.html"
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(page_html(f"{protocol.council.display_name} ({version.label})",
                                               "clauses", "current" if current else "earlier",
                                               None if current else "superseded version", body), encoding="utf-8")
            pages.append(path)
    (root / "about").mkdir()
    (root / "about/index.html").write_text(page_html("About", "page", "current", None, "<p>About the café.</p>"),
                                           encoding="utf-8")
    return root, pages + ["about/index.html"]


def one_run(site: Path, pages: list[str], out: Path) -> Path:
    command = [str(pagefind_executable()), *COMMAND_OPTIONS, "--site", str(site), "--output-path", str(out),
               "--glob", pagefind_parts.glob_of(pages)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def readable(bundle: Path) -> dict:
    """The bundle as a reader's search sees it, by page URL: each word's pages with their locations
    and meta field locations (by field name), its accented forms; the filters; each page's data."""
    part = pagefind_parts.Part(bundle)
    fragments = []
    for name, _count in part.pages:
        data = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
        fragments.append(json.loads(data[len(pagefind_parts.HEADER):]))
    urls = [f["url"] for f in fragments]

    def by_url(pages: list) -> dict:
        out, number = {}, 0
        for delta, locs, metas in pages:
            number += delta
            out[urls[number]] = (locs, [part.meta_fields[-v - 1] if v < 0 else v for v in metas])
        return out

    words = {}
    for _from, _to, name in part.chunks:
        (entries,) = pagefind_parts.read_file(bundle / "index" / f"{name}.pf_index")
        for word, pages, variants in entries:
            words[word] = (by_url(pages), {form: by_url(vpages) for form, vpages in variants})
    filters = {}
    for _filter, name in part.filters:
        filter_name, values = pagefind_parts.read_file(bundle / "filter" / f"{name}.pf_filter")
        filters[filter_name] = {value: sorted(urls[n] for n in numbers) for value, numbers in values}
    return {"words": words, "filters": filters, "pages": {f["url"]: f for f in fragments},
            "word counts": sorted((urls[i], count) for i, (_, count) in enumerate(part.pages)),
            "chunks": len(part.chunks), "fields": part.meta_fields}


def test_an_index_merged_from_parts_is_the_index_one_run_writes(site, tmp_path):
    root, pages = site
    whole = readable(one_run(root, pages, tmp_path / "whole"))
    bundles = pagefind_parts.run_parts([str(pagefind_executable()), *COMMAND_OPTIONS], root, pages, 2,
                                       tmp_path / "parts", timeout=120)
    assert len(bundles) == (len(pages) + 1) // 2
    fields = [pagefind_parts.Part(b).meta_fields for b in bundles]
    assert any("note" not in f for f in fields) and any("note" in f for f in fields)  # the remapped case
    pagefind_parts.merge(bundles, tmp_path / "merged")
    merged = readable(tmp_path / "merged")
    assert merged["pages"] == whole["pages"]
    assert merged["word counts"] == whole["word counts"]
    assert merged["filters"] == whole["filters"]
    assert merged["fields"] == whole["fields"]
    assert merged["words"]["cafe"][1], "an accented form is kept"
    assert merged["words"] == whole["words"]
    assert "navigation" not in merged["words"]
    entry = json.loads((tmp_path / "merged" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(pages)
    assert (tmp_path / "merged" / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").exists()
    assert (tmp_path / "merged" / "pagefind.js").exists()


def test_earlier_versions_split_into_a_second_bundle_hold_what_one_run_holds(site, tmp_path):
    """Merged with the version filter's "earlier" pages split off, the two bundles hold between
    them every page and every word's locations of one run, each page in one bundle only, and
    neither has the version filter (each bundle is one side of it)."""
    root, pages = site
    whole = readable(one_run(root, pages, tmp_path / "whole"))
    bundles = pagefind_parts.run_parts([str(pagefind_executable()), *COMMAND_OPTIONS], root, pages, 3,
                                       tmp_path / "parts", timeout=120)
    counts = pagefind_parts.merge(bundles, tmp_path / "current",
                                  pagefind_parts.Split("version", "earlier", tmp_path / "current" / "earlier"))
    current, earlier = readable(tmp_path / "current"), readable(tmp_path / "current" / "earlier")
    assert counts == [len(current["pages"]), len(earlier["pages"])]
    assert set(current["pages"]) == set(whole["filters"]["version"]["current"])
    assert set(earlier["pages"]) == set(whole["filters"]["version"]["earlier"])
    assert current["filters"] == earlier["filters"] == {}
    assert {**current["pages"], **earlier["pages"]} == whole["pages"]
    joined = {}
    for word in set(current["words"]) | set(earlier["words"]):
        (a, a_forms), (b, b_forms) = current["words"].get(word, ({}, {})), earlier["words"].get(word, ({}, {}))
        forms = {form: {**a_forms.get(form, {}), **b_forms.get(form, {})} for form in {*a_forms, *b_forms}}
        joined[word] = ({**a, **b}, forms)
    assert joined == whole["words"]
    for bundle in (tmp_path / "current", tmp_path / "current" / "earlier"):
        entry = json.loads((bundle / "pagefind-entry.json").read_text())
        assert (bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").exists()
        assert (bundle / "pagefind.js").exists()


def test_a_single_part_merges_into_the_same_files(site, tmp_path):
    """Merging one run's bundle rewrites its word index byte for byte: the merge writes what
    Pagefind writes, including where the index is split into chunks."""
    root, pages = site
    bundle = one_run(root, pages, tmp_path / "whole")
    pagefind_parts.merge([bundle], tmp_path / "merged")
    before, after = pagefind_parts.Part(bundle), pagefind_parts.Part(tmp_path / "merged")
    assert [c[:2] for c in after.chunks] == [c[:2] for c in before.chunks]
    for (_, _, a), (_, _, b) in zip(before.chunks, after.chunks, strict=True):
        assert (gzip.decompress((bundle / "index" / f"{a}.pf_index").read_bytes())
                == gzip.decompress((tmp_path / "merged" / "index" / f"{b}.pf_index").read_bytes()))


def test_a_bundle_of_another_pagefind_version_is_refused(site, tmp_path):
    root, pages = site
    bundle = one_run(root, pages[:2], tmp_path / "whole")
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    (bundle / "pagefind-entry.json").write_text(json.dumps({**entry, "version": "2.0.0"}))
    with pytest.raises(pagefind_parts.MergeError, match="2.0.0"):
        pagefind_parts.merge([bundle], tmp_path / "merged")


MKDOCS_YML = """site_name: Parts test
theme: {{name: material}}
plugins:
  - handbook-search:
      index_part_pages: {parts}
"""


def test_the_search_plugin_indexes_a_large_site_in_parts(tmp_path):
    """Built with parts of two pages, the handbook's bundle holds every page, as one run's does."""
    docs = tmp_path / "docs"
    library = load_library(default_root())
    for protocol in library.protocols:
        (docs / "councils" / protocol.id).mkdir(parents=True, exist_ok=True)
        (docs / "councils" / protocol.id / "index.md").write_text(
            f"# {protocol.council.display_name}\n\n" + "\n\n".join(
                " ".join(line for block in clause.content for line in block_lines(block)).replace("*", "\\*")
                for clause in protocol.default_version.clauses()) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    sites = {}
    for parts in (0, 2):
        (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(parts=parts))
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml"),
                        "-d", str(tmp_path / f"site{parts}")],
                       check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, cwd=tmp_path)
        sites[parts] = readable(tmp_path / f"site{parts}" / "pagefind")
    assert len(sites[2]["pages"]) == len(library.protocols) + 1 > 2
    assert sites[2]["words"] == sites[0]["words"]
    assert sites[2]["pages"] == sites[0]["pages"]
    assert (tmp_path / "site2" / "pagefind" / "search-data.json").exists()


def test_parts_start_while_pages_are_still_being_written(site, tmp_path):
    """A part starts as soon as more than a part's worth of written pages wait, not at the end of
    the build; the runner's bundles then merge into the whole site's index."""
    root, pages = site
    runner = pagefind_parts.PartRunner([str(pagefind_executable()), *COMMAND_OPTIONS], root, tmp_path / "parts",
                                       part_pages=2, timeout=120)
    runner.add(pages[0])
    runner.add(pages[1])
    assert runner.running is None  # two pages could still be the whole site
    runner.add(pages[2])
    assert runner.running is not None and runner.ready == [pages[2]]
    for page in pages[3:]:
        runner.add(page)
    bundles = runner.finish()
    assert runner.running is None and not runner.ready
    pagefind_parts.merge(bundles, tmp_path / "merged")
    assert readable(tmp_path / "merged")["words"] == readable(one_run(root, pages, tmp_path / "whole"))["words"]


def test_a_rebuild_with_the_same_plugin_indexes_in_parts_again_and_cleans_up(tmp_path, monkeypatch):
    """`mkdocs serve` rebuilds with the same plugin instances: each build's parts are its own, and
    no part folder is left behind."""
    import tempfile

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp_path / "docs"
    for i in range(5):
        (docs / f"p{i}").mkdir(parents=True)
        (docs / f"p{i}" / "index.md").write_text(f"# Page {i}\n\nWords of page {i}: member officer protocol.\n")
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.format(parts=2))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    merged = []
    merge = pagefind_parts.merge
    monkeypatch.setattr(pagefind_parts, "merge", lambda bundles, *rest: merged.append(len(bundles)) or merge(bundles, *rest))
    (tmp_path / "tmp").mkdir()
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    for edit in ("first", "second"):
        (docs / "p0" / "index.md").write_text(f"# Page 0\n\nThe {edit} wording.\n")
        build(config)
        index = readable(tmp_path / "site" / "pagefind")
        assert len(index["pages"]) == 6
        assert edit in index["words"] and ({"first", "second"} - {edit}) & set(index["words"]) == set()
        assert list((tmp_path / "tmp").iterdir()) == []
    assert merged == [3, 3]  # six pages, parts of two, each build
