"""How long loading (reading, validating and building) all protocols takes, against the bare
YAML parse of the same files measured in the same run.

    .venv/bin/python bench/load_library.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import statistics
import time

import yaml

from handbook import load_library
from handbook.load import default_root, protocol_paths


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    root = default_root()
    paths = protocol_paths(root) + [root / "topics.yaml"]

    def bare_parse():
        for path in paths:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)

    library = load_library(root)
    clauses = sum(1 for p in library.protocols for v in p.versions for _ in v.clauses())
    baseline = timed(bare_parse, args.repeat)
    full = timed(lambda: load_library(root), args.repeat)
    print(f"{len(library.protocols)} protocols, {clauses} clauses, {sum(p.stat().st_size for p in paths) / 1024:.0f} KiB of YAML")
    print(f"bare YAML parse (fastest loader available): {baseline * 1000:7.1f} ms")
    print(f"load_library (parse + positions + validate + build): {full * 1000:7.1f} ms  ({full / baseline:.1f}x the bare parse)")


if __name__ == "__main__":
    main()
