"""Indexing a large site with Pagefind in parts, so the indexer's memory stays bounded.

Pagefind holds every page it indexes several times over while it builds (its parsed words, a copy
per language, the word map, the encoded fragments): about 0.8 MB per council page, 460 MB at 400
councils and growing with every council (bench/README.md, "build_scale.py"). It has no setting that
bounds this. So a large site is indexed in parts of `part_pages` pages, one Pagefind run each, and
the parts' bundles are merged into one bundle, the same a single run writes: one page list, one
word index split into chunks at the same size Pagefind splits it, one file per filter. Readers'
browsers load exactly what they would load from a single run (same files, same sizes), so the
search's speed and bytes do not change.

The merge can also split the pages one filter value names (the handbook's earlier versions and
redlines: `Split`) into a second bundle, the filter then left out of both: every search loads the
first bundle only, so its page list, word index and filters hold the current pages only (at 4,000
councils 4,005 of 5,611 pages, and no 12 KB version filter); search.js loads the second when the
reader asks for earlier versions, and searches both. A site indexed in one run goes through the
same merge, so both ways give the same two bundles.

What the merge relies on (Pagefind 1.5's bundle format, checked by tests/site/test_pagefind_parts.py
against a single run of the pinned pagefind-bin): every index file is gzip of b"pagefind_dcd" and a
CBOR value; the meta file is [version, pages [[hash, word count]], index chunks [[from, to, hash]],
filters [[name, hash]], sorts, meta field names]; an index chunk is [[[word, pages, variants]]]
where pages are [[page number delta, locations, meta locations]] (page numbers delta-encoded per
word, meta locations switching field with -(field index + 1)) and variants are [[form, pages]]; a
filter file is [name, [[value, [page numbers]]]]; fragments are named by their page's hash and are
copied unchanged. Files are read and written with cbor2, a word chunk at a time (about 1 s for the
400-council index of 2.5 million numbers on a quiet machine, most of the merge). When it is safe:
one language (the handbook's); no sort keys; pagefind-bin pinned to the format (pyproject.toml).
Anything else, or a different Pagefind version, stops the build with a message rather than
writing a wrong index.
"""
from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import cbor2

PAGEFIND_VERSION = "1.5"  # the bundle format the merge reads and writes (major.minor; pinned in pyproject)
HEADER = b"pagefind_dcd"
CHUNK_SIZE = 20000  # Pagefind's own chunk size: word locations (plus one a page) per index file


class MergeError(Exception):
    pass


def read_file(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise MergeError(f"{path.name} is not a Pagefind index file")
    try:
        return cbor2.loads(data[len(HEADER):])
    except cbor2.CBORDecodeError as e:
        raise MergeError(f"{path.name} is not a Pagefind index file: {e}") from e


def encoded(value: Any) -> bytes:
    """An index file as Pagefind writes it (cbor2's encoding of lists, ints and text is Pagefind's,
    byte for byte: tests/site/test_pagefind_parts.py)."""
    return gzip.compress(HEADER + cbor2.dumps(value), 9, mtime=0)


def content_name(language: str, data: bytes, length: int = 7) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


# --- Running Pagefind on each part -----------------------------------------------------------------


def glob_of(paths: list[str]) -> str:
    return "{" + ",".join(sorted(paths)) + "}"


class PartRunner:
    """Runs Pagefind on parts of a site's pages as they become ready, one run at a time, each
    writing its bundle under `work`: the handbook starts a part as soon as enough of its pages are
    written, so the indexing overlaps the rest of the build (mkdocs uses one CPU)."""

    def __init__(self, command: list[str], site_dir: Path, work: Path, part_pages: int, timeout: int):
        self.command, self.site_dir, self.work = command, site_dir, work
        self.part_pages, self.timeout = part_pages, timeout
        self.ready: list[str] = []  # written pages not yet in a part
        self.bundles: list[Path] = []
        self.running: tuple[subprocess.Popen, Path, float] | None = None
        work.mkdir(parents=True, exist_ok=True)

    def add(self, page: str) -> None:
        """A page that is written and searchable; starts a part when more than a part's worth are
        waiting and none runs."""
        self.ready.append(page)
        self.poll()

    def poll(self) -> None:
        if self.running is not None and self.running[0].poll() is not None:
            self._finished()
        # more than a part waiting: the site will be indexed in parts whatever follows
        if self.running is None and len(self.ready) > self.part_pages:
            self._start()

    def finish(self) -> list[Path]:
        """Indexes what is left and returns every part's bundle, in the order they were indexed."""
        while self.running is not None or self.ready:
            if self.running is not None:
                try:
                    self.running[0].wait(max(1.0, self.running[2] - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
                self._finished()
            if self.ready:
                self._start()
        return self.bundles

    def stop(self) -> None:
        if self.running is not None:
            self.running[0].kill()
            self.running[0].wait()
            self.running = None

    def _start(self) -> None:
        pages, self.ready = self.ready[:self.part_pages], self.ready[self.part_pages:]
        bundle = self.work / f"part-{len(self.bundles):04d}"
        command = self.command + ["--site", str(self.site_dir), "--output-path", str(bundle), "--glob", glob_of(pages)]
        with open(bundle.with_suffix(".log"), "w", encoding="utf-8") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.running = (process, bundle, time.monotonic() + self.timeout)

    def _finished(self) -> None:
        assert self.running is not None
        process, bundle, deadline = self.running
        if process.poll() is None:
            if time.monotonic() < deadline:
                return
            self.stop()
            raise MergeError(f"Pagefind took longer than {self.timeout} s on part {len(self.bundles) + 1}")
        self.running = None
        if process.returncode != 0:
            output = bundle.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
            raise MergeError(f"Pagefind failed on part {len(self.bundles) + 1} (exit {process.returncode}):\n"
                             f"{output.strip()}")
        self.bundles.append(bundle)


def run_parts(command: list[str], site_dir: Path, pages: list[str], part_pages: int, work: Path,
              timeout: int) -> list[Path]:
    """Runs `command` (Pagefind with its options, less --site/--glob/--output-*) once per part of
    `pages` (in path order, so a council's pages stay together); returns the bundles in order."""
    runner = PartRunner(command, site_dir, work, part_pages, timeout)
    runner.ready = sorted(pages)
    return runner.finish()


# --- Merging the parts' bundles ---------------------------------------------------------------------


class Part:
    def __init__(self, bundle: Path, first_page: int = 0):
        self.bundle = bundle
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        if not str(entry.get("version", "")).startswith(PAGEFIND_VERSION + "."):
            raise MergeError(f"Pagefind {entry.get('version')} wrote the index; the merge reads "
                             f"{PAGEFIND_VERSION}.x bundles only")
        if len(entry["languages"]) != 1:
            raise MergeError("the parts hold more than one language: index them in one run")
        (self.language, info), = entry["languages"].items()
        self.entry = entry
        meta = read_file(bundle / f"pagefind.{info['hash']}.pf_meta")
        if len(meta) != 6:
            raise MergeError("unexpected Pagefind meta file layout")
        self.version, self.pages, self.chunks, self.filters, sorts, self.meta_fields = meta
        if sorts:
            raise MergeError("pages with sort keys cannot be merged")
        self.first_page = first_page
        self.field_map: list[int] | None = None  # this part's meta field index -> the merged one

    def words(self) -> Iterator[tuple[str, list, list]]:
        """(word, its pages, its variants), pages numbered in the merged index, in word order, a
        chunk at a time."""
        for _from, _to, name in self.chunks:
            (words,) = read_file(self.bundle / "index" / f"{name}.pf_index")
            for word, pages, variants in words:
                yield word, self._numbered(pages), [[form, self._numbered(vpages)] for form, vpages in variants]

    def _numbered(self, pages: list) -> list:
        """Pages with absolute numbers (Pagefind delta-encodes them per word) in the merged index,
        and meta field numbers in the merged list of fields."""
        number = self.first_page
        for page in pages:
            number += page[0]
            page[0] = number
            if self.field_map is not None and page[2]:
                page[2] = [-(self.field_map[-v - 1] + 1) if v < 0 else v for v in page[2]]
        return pages


def _delta(pages: list) -> list:
    last = 0
    out = []
    for number, locs, metas in pages:
        out.append([number - last, locs, metas])
        last = number
    return out


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a, strict=False):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


class Output:
    """One bundle the merge writes: its pages (in merged order), its word chunks, its filters."""

    def __init__(self, target: Path, language: str):
        self.target, self.language = target, language
        if target.exists():
            shutil.rmtree(target)
        for sub in ("index", "fragment", "filter"):
            (target / sub).mkdir(parents=True)
        self.pages: list[list] = []
        self.chunks: list[list] = []
        self.current: list[list] = []
        self.size = 0
        self.filters: dict[str, dict[str, list[int]]] = {}

    def add_word(self, word: str, pages: list, variants: dict[str, list]) -> None:
        self.current.append([word, _delta(pages), [[form, _delta(vpages)] for form, vpages in variants.items()]])
        self.size += sum(len(locs) + len(metas) + 1 for _, locs, metas in pages)
        if self.size >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.current:
            return
        data = encoded([self.current])
        name = content_name(self.language, data)
        (self.target / "index" / f"{name}.pf_index").write_bytes(data)
        self.chunks.append([self.current[0][0], self.current[-1][0], name])
        self.current, self.size = [], 0

    def finish(self, first: Part, meta_fields: list[str]) -> None:
        self.flush()
        chunks = self.chunks
        for i in range(len(chunks) - 1):
            to, following = _prefixes(chunks[i][1], chunks[i + 1][0])
            if to >= chunks[i][0]:
                chunks[i][1] = to
            chunks[i + 1][0] = following
        meta_filters = []
        for filter_name in sorted(self.filters):
            data = encoded([filter_name, [[v, n] for v, n in sorted(self.filters[filter_name].items())]])
            name = content_name(self.language, data)
            (self.target / "filter" / f"{name}.pf_filter").write_bytes(data)
            meta_filters.append([filter_name, name])
        meta = encoded([first.version, self.pages, chunks, meta_filters, [], meta_fields])
        meta_name = content_name(self.language, meta, 10)
        (self.target / f"pagefind.{meta_name}.pf_meta").write_bytes(meta)
        entry = dict(first.entry)
        entry["languages"] = {self.language: {**first.entry["languages"][self.language], "hash": meta_name,
                                              "page_count": len(self.pages)}}
        (self.target / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                                         encoding="utf-8")


@dataclass(frozen=True)
class Split:
    """Pages whose filter `name` has `value` go to a second bundle at `target` (and the filter,
    then the same on every page of either bundle, is left out of both)."""
    name: str
    value: str
    target: Path


def filter_values(part: Part) -> dict[str, dict[str, list[int]]]:
    """The part's filters: name -> value -> its page numbers in the part."""
    out: dict[str, dict[str, list[int]]] = {}
    for _name, file_name in part.filters:
        filter_name, values = read_file(part.bundle / "filter" / f"{file_name}.pf_filter")
        for value, numbers in values:
            out.setdefault(filter_name, {}).setdefault(value, []).extend(numbers)
    return out


def merge(bundles: list[Path], target: Path, split: Split | None = None) -> list[int]:
    """Merges the bundles (in order) into `target`, replacing what is there, and with `split` the
    pages it names into a second bundle; returns the page count of each bundle written."""
    parts: list[Part] = []
    first = 0
    for bundle in bundles:
        part = Part(bundle, first)
        first += len(part.pages)
        parts.append(part)
    language = parts[0].language
    if any(p.language != language or p.version != parts[0].version for p in parts):
        raise MergeError("the parts were indexed in different languages or Pagefind versions")
    meta_fields = sorted({f for p in parts for f in p.meta_fields})
    for part in parts:
        mapping = [meta_fields.index(f) for f in part.meta_fields]
        part.field_map = None if mapping == list(range(len(mapping))) else mapping

    outputs = [Output(target, language)] + ([Output(split.target, language)] if split else [])
    # The engine, its UI files and WebAssembly: the same in every part.
    for path in parts[0].bundle.iterdir():
        if path.is_file() and not path.name.endswith(".pf_meta") and path.name != "pagefind-entry.json":
            for out in outputs:
                shutil.copyfile(path, out.target / path.name)

    # Each page's bundle and number there (merged order); its filters follow it, less the split's.
    route: list[tuple[int, int]] = []
    for part in parts:
        filters = filter_values(part)
        moved = set(filters.get(split.name, {}).get(split.value, [])) if split else set()
        numbers = []
        for i, (name, word_count) in enumerate(part.pages):
            out = outputs[1 if i in moved else 0]
            # Fragments keep their names (their page's hash); a name two parts both use gets a longer one.
            source = part.bundle / "fragment" / f"{name}.pf_fragment"
            unique = name
            while (out.target / "fragment" / f"{unique}.pf_fragment").exists():
                unique = content_name(language, source.read_bytes() + unique.encode(), len(unique) - len(language))
            shutil.copyfile(source, out.target / "fragment" / f"{unique}.pf_fragment")
            numbers.append((1 if i in moved else 0, len(out.pages)))
            out.pages.append([unique, word_count])
        route.extend(numbers)
        for filter_name, values in filters.items():
            if split and filter_name == split.name:
                continue
            for value, pages_of in values.items():
                for n in pages_of:
                    bundle_of, number = numbers[n]
                    outputs[bundle_of].filters.setdefault(filter_name, {}).setdefault(value, []).append(number)

    def routed(pages: list) -> list[list]:
        """The pages (merged numbers) of each output, renumbered there."""
        if not split:
            return [pages]
        by_output: list[list] = [[] for _ in outputs]
        for page in pages:
            bundle_of, number = route[page[0]]
            by_output[bundle_of].append([number, page[1], page[2]])
        return by_output

    # Words: each part's are in order, so a streaming merge holds one chunk per part at a time.
    streams = [((word, number, pages, variants) for word, pages, variants in part.words())
               for number, part in enumerate(parts)]
    word_now: str | None = None
    pages_now: list = []
    variants_now: dict[str, list] = {}

    def finish_word() -> None:
        if word_now is None:
            return
        variants_by: list[dict[str, list]] = [{} for _ in outputs]
        for form, vpages in variants_now.items():
            for k, some in enumerate(routed(vpages)):
                if some:
                    variants_by[k][form] = some
        for k, some in enumerate(routed(pages_now)):
            # (a word may have no pages of its own, only its accented forms': "cafe" for "café")
            if some or variants_by[k] or not split:
                outputs[k].add_word(word_now, some, variants_by[k])

    for word, _number, pages_of, variants in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        if word != word_now:
            finish_word()
            word_now, pages_now, variants_now = word, [], {}
        pages_now.extend(pages_of)
        for form, vpages in variants:
            variants_now.setdefault(form, []).extend(vpages)
    finish_word()
    for out in outputs:
        out.finish(parts[0], meta_fields)
    return [len(out.pages) for out in outputs]
