"""Indexing a large site with Pagefind in parts, so the indexer's memory stays bounded.

Pagefind holds every page it indexes several times over while it builds (its parsed words, a copy
per language, the word map, the encoded fragments): about 0.8 MB per council page, 460 MB at 400
councils and growing with every council (bench/README.md, "build_scale.py"). It has no setting that
bounds this. So a large site is indexed in parts of `part_pages` pages, one Pagefind run each, and
the parts' bundles are merged into one bundle, the same a single run writes: one page list, one
word index split into chunks at the same size Pagefind splits it, one file per filter. Readers'
browsers load exactly what they would load from a single run (same files, same sizes), so the
search's speed and bytes do not change.

What the merge relies on (Pagefind 1.5's bundle format, checked by tests/site/test_pagefind_parts.py
against a single run of the pinned pagefind-bin): every index file is gzip of b"pagefind_dcd" and a
CBOR value; the meta file is [version, pages [[hash, word count]], index chunks [[from, to, hash]],
filters [[name, hash]], sorts, meta field names]; an index chunk is [[[word, pages, variants]]]
where pages are [[page number delta, locations, meta locations]] (page numbers delta-encoded per
word, meta locations switching field with -(field index + 1)) and variants are [[form, pages]]; a
filter file is [name, [[value, [page numbers]]]]; fragments are named by their page's hash and are
copied unchanged. When it is safe: one language (the handbook's); no sort keys. Anything else, or a
different Pagefind version, stops the build with a message rather than writing a wrong index.
"""
from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

PAGEFIND_VERSION = "1.5"  # the bundle format the merge reads and writes (major.minor)
HEADER = b"pagefind_dcd"
CHUNK_SIZE = 20000  # Pagefind's own chunk size: word locations (plus one a page) per index file


class MergeError(Exception):
    pass


# --- CBOR, only what Pagefind writes: unsigned and negative ints, text, arrays --------------------


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    initial = data[at]
    major, info = initial >> 5, initial & 31
    at += 1
    if info < 24:
        value = info
    elif info == 24:
        value = data[at]
        at += 1
    elif info in (25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise MergeError(f"unexpected CBOR item {initial:#x} in a Pagefind index file")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise MergeError(f"unexpected CBOR major type {major} in a Pagefind index file")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise MergeError(f"integer {value} too large for the index")


def _encode(value: Any, out: bytearray) -> None:
    if isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        out += _head(3, len(raw))
        out += raw
    elif isinstance(value, list):
        out += _head(4, len(value))
        for item in value:
            _encode(item, out)
    else:
        raise MergeError(f"cannot encode {type(value).__name__} in a Pagefind index file")


def read_file(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise MergeError(f"{path.name} is not a Pagefind index file")
    value, end = _decode(data, len(HEADER))
    if end != len(data):
        raise MergeError(f"{path.name} has data after its index")
    return value


def encoded(value: Any) -> bytes:
    out = bytearray(HEADER)
    _encode(value, out)
    return gzip.compress(bytes(out), 9, mtime=0)


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


# A page of a word's list as Pagefind writes it: [page number delta, [locations], [meta locations]],
# all small integers. Matched whole, so a page is copied as bytes and only its delta rewritten
# (decoding every location in Python took 6 s at 400 councils; this takes a fraction of it).
_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38][\s\S]|[\x19\x39][\s\S]{2}|[\x1a\x3a][\s\S]{4}|[\x1b\x3b][\s\S]{8})"
_ARRAY = rb"(?:[\x80-\x97]|\x98[\s\S]|\x99[\s\S]{2}|\x9a[\s\S]{4})"
_PAGE = re.compile(rb"\x83(" + _INT + rb")(" + _ARRAY + rb")(?:" + _INT + rb")*(" + _ARRAY + rb")((?:" + _INT + rb")*)")


def _array_length(head: bytes) -> int:
    info = head[0] & 31
    return info if info < 24 else int.from_bytes(head[1:], "big")


class Segment:
    """One part's pages for one word: their bytes, the first page's number, the last's, the count,
    and the locations they hold (for chunk sizes)."""
    __slots__ = ("first", "last", "rest", "count", "size")

    def __init__(self, first: int, last: int, rest: bytes, count: int, size: int):
        self.first, self.last, self.rest, self.count, self.size = first, last, rest, count, size


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

    def words(self) -> Iterator[tuple[str, Segment, list]]:
        """(word, its pages, variants with absolute page numbers), in word order, a chunk at a time."""
        for _from, _to, name in self.chunks:
            data = gzip.decompress((self.bundle / "index" / f"{name}.pf_index").read_bytes())
            if not data.startswith(HEADER + b"\x81"):
                raise MergeError(f"{name}.pf_index is not a Pagefind word index")
            at = len(HEADER) + 1
            words, at = _length_at(data, at)
            for _ in range(words):
                if data[at] != 0x83:
                    raise MergeError(f"unexpected word entry in {name}.pf_index")
                word, at = _decode(data, at + 1)
                pages, at = _length_at(data, at)
                segment, at = self._segment(data, at, pages)
                variants, at = _decode(data, at)
                yield word, segment, [[form, self._absolute(vpages)] for form, vpages in variants]
            if at != len(data):
                raise MergeError(f"{name}.pf_index has data after its words")

    def _segment(self, data: bytes, at: int, pages: int) -> tuple[Segment, int]:
        """A word's pages in this part: copied as bytes from after the first page's delta (which the
        merge rewrites), with meta field numbers rewritten where this part's differ."""
        number = self.first_page
        first = copy_from = -1
        size = 0
        pieces: list[bytes] = []
        for i in range(pages):
            match = _PAGE.match(data, at)
            if match is None:
                raise MergeError("unexpected page entry in a Pagefind word index")
            delta, _ = _decode(match.group(1), 0)
            number += delta
            metas = _array_length(match.group(3))
            size += _array_length(match.group(2)) + metas + 1
            if i == 0:
                first, copy_from = number, match.end(1)
            if metas and self.field_map is not None:
                values, _ = _decode(match.group(3) + match.group(4), 0)
                remapped = bytearray()
                _encode([-(self.field_map[-v - 1] + 1) if v < 0 else v for v in values], remapped)
                pieces += [data[copy_from:match.start(3)], bytes(remapped)]
                copy_from = match.end()
            at = match.end()
        pieces.append(data[copy_from:at] if pages else b"")
        return Segment(first, number, b"".join(pieces), pages, size), at

    def _absolute(self, pages: list) -> list:
        number = self.first_page
        for page in pages:
            number += page[0]
            page[0] = number
        if self.field_map is not None:
            for page in pages:
                page[2] = [-(self.field_map[-v - 1] + 1) if v < 0 else v for v in page[2]]
        return pages


def _length_at(data: bytes, at: int) -> tuple[int, int]:
    head = data[at]
    if head >> 5 != 4:
        raise MergeError("expected a list in a Pagefind index file")
    info = head & 31
    if info < 24:
        return info, at + 1
    size = 1 << (info - 24)
    return int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _delta(pages: list) -> list:
    last = 0
    out = []
    for page in pages:
        out.append([page[0] - last, page[1], page[2]])
        last = page[0]
    return out


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a, strict=False):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


def merge(bundles: list[Path], target: Path) -> int:
    """Merges the bundles (in order) into `target`, replacing what is there; returns the page count."""
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

    if target.exists():
        shutil.rmtree(target)
    for sub in ("index", "fragment", "filter"):
        (target / sub).mkdir(parents=True)
    # The engine, its UI files and WebAssembly: the same in every part.
    for path in parts[0].bundle.iterdir():
        if path.is_file() and not path.name.endswith(".pf_meta") and path.name != "pagefind-entry.json":
            shutil.copyfile(path, target / path.name)

    # Fragments keep their names (their page's hash); a name two parts both use gets a longer one.
    pages: list[list] = []
    for part in parts:
        for name, word_count in part.pages:
            source = part.bundle / "fragment" / f"{name}.pf_fragment"
            unique = name
            while (target / "fragment" / f"{unique}.pf_fragment").exists():
                unique = content_name(language, source.read_bytes() + unique.encode(), len(unique) - len(language))
            shutil.copyfile(source, target / "fragment" / f"{unique}.pf_fragment")
            pages.append([unique, word_count])

    # Words: each part's are in order, so a streaming merge holds one chunk per part at a time.
    streams = [_keyed(part.words(), number) for number, part in enumerate(parts)]
    chunks: list[list] = []
    current: list[bytes] = []
    bounds: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size, bounds
        data = gzip.compress(HEADER + b"\x81" + _head(4, len(current)) + b"".join(current), 9, mtime=0)
        name = content_name(language, data)
        (target / "index" / f"{name}.pf_index").write_bytes(data)
        chunks.append([bounds[0], bounds[-1], name])
        current, size, bounds = [], 0, []

    word_now: str | None = None
    segments: list[Segment] = []
    variants_now: dict[str, list] = {}

    def finish_word() -> None:
        nonlocal size
        if word_now is None:
            return
        out = bytearray(b"\x83")
        _encode(word_now, out)
        out += _head(4, sum(s.count for s in segments))
        last = 0
        for segment in segments:
            out += b"\x83"
            _encode(segment.first - last, out)
            out += segment.rest
            last = segment.last
        _encode([[form, _delta(vpages)] for form, vpages in variants_now.items()], out)
        current.append(bytes(out))
        bounds.append(word_now)
        size += sum(s.size for s in segments)
        if size >= CHUNK_SIZE:
            flush()

    for word, _number, segment, variants in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        if word != word_now:
            finish_word()
            word_now, segments, variants_now = word, [], {}
        if segment.count:
            segments.append(segment)
        for form, vpages in variants:
            variants_now.setdefault(form, []).extend(vpages)
    finish_word()
    if current:
        flush()
    for i in range(len(chunks) - 1):
        to, following = _prefixes(chunks[i][1], chunks[i + 1][0])
        if to >= chunks[i][0]:
            chunks[i][1] = to
        chunks[i + 1][0] = following

    # Filters: each value's pages, renumbered, in page order.
    filters: dict[str, dict[str, list[int]]] = {}
    for part in parts:
        for _name, file_name in part.filters:
            filter_name, values = read_file(part.bundle / "filter" / f"{file_name}.pf_filter")
            for value, numbers in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).extend(n + part.first_page for n in numbers)
    meta_filters = []
    for filter_name in sorted(filters):
        data = encoded([filter_name, [[v, n] for v, n in sorted(filters[filter_name].items())]])
        name = content_name(language, data)
        (target / "filter" / f"{name}.pf_filter").write_bytes(data)
        meta_filters.append([filter_name, name])

    meta = encoded([parts[0].version, pages, chunks, meta_filters, [], meta_fields])
    meta_name = content_name(language, meta, 10)
    (target / f"pagefind.{meta_name}.pf_meta").write_bytes(meta)
    entry = dict(parts[0].entry)
    entry["languages"] = {language: {**parts[0].entry["languages"][language], "hash": meta_name,
                                     "page_count": len(pages)}}
    (target / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                                encoding="utf-8")
    return len(pages)


def _keyed(words: Iterator[tuple[str, Segment, list]], number: int):
    for word, segment, variants in words:
        yield word, number, segment, variants
