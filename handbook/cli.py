"""`handbook` / `python -m handbook`: validate, show, hash and diff protocols."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .canonical import content_hash
from .diff import diff_versions, render_diff
from .load import GLOSSARY_FILE, TOPICS_FILE, VOCABULARY_FILE, InvalidLibrary, check_files, default_root, load_library, protocol_paths
from .text import render_clause, render_version
from .validate import unconfirmed_topics


def _expand(paths: list[str], root: Path) -> tuple[list[Path], Path, Path | None, Path | None]:
    """Protocol files named by `paths` (files or directories), the topics file to check them
    against, and the glossary and vocabulary to check (when named, or part of a named directory)."""
    if not paths:
        return protocol_paths(root), root / TOPICS_FILE, root / GLOSSARY_FILE, root / VOCABULARY_FILE
    files, topics, glossary, vocabulary = [], root / TOPICS_FILE, None, None
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += protocol_paths(path)
            if (path / TOPICS_FILE).exists():
                topics = path / TOPICS_FILE
            glossary, vocabulary = path / GLOSSARY_FILE, path / VOCABULARY_FILE
        elif path.name == TOPICS_FILE:
            topics = path
        elif path.name == GLOSSARY_FILE:
            glossary = path
        elif path.name == VOCABULARY_FILE:
            vocabulary = path
        else:
            files.append(path)
    return files, topics, glossary, vocabulary


def cmd_validate(args) -> int:
    started = time.perf_counter()
    files, topics, glossary, vocabulary = _expand(args.paths, args.root)
    missing = [f for f in files if not f.exists()]
    if missing:
        for path in missing:
            print(f"{path}:1:1: (document): no such file", file=sys.stdout)
        return 1
    problems, docs, _ = check_files(files, topics, glossary, vocabulary)
    for problem in problems:
        print(problem)
    elapsed = time.perf_counter() - started
    if problems:
        print(f"{len(problems)} problem(s) found in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(docs)} protocol file(s) and {topics} are valid ({elapsed * 1000:.0f} ms)")
    _print_review_list(docs)
    return 0


def _print_review_list(docs) -> None:
    """Valid, but not yet reviewed: clauses whose topics are only the importer's suggestions."""
    unconfirmed = [item for doc in docs for item in unconfirmed_topics(doc)]
    for item in unconfirmed:
        print(f"to review: {item}")
    if unconfirmed:
        print(f"{len(unconfirmed)} clause(s) have suggested topics nobody has confirmed: check each, "
              "then move its topics_suggested into topics")


def cmd_show(args) -> int:
    protocol = load_library(args.root).protocol(args.council)
    version = protocol.version(args.version)
    if args.clause:
        clause = version.clause(args.clause) or next(
            (c for c in version.clauses() if c.number == args.clause), None)
        if clause is None:
            raise KeyError(f"{protocol.id} version {version.id} has no clause with id or number {args.clause!r}")
        print(render_clause(clause))
    else:
        print(render_version(protocol, version), end="")
    return 0


def cmd_hash(args) -> int:
    protocol = load_library(args.root).protocol(args.council)
    print(content_hash(protocol, protocol.version(args.version)))
    return 0


def cmd_diff(args) -> int:
    protocol = load_library(args.root).protocol(args.council)
    diff = diff_versions(protocol, protocol.version(args.old), protocol.version(args.new))
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    print(render_diff(diff, color=color), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="handbook", description=__doc__)
    p.add_argument("--root", type=Path, default=None,
                   help="protocols directory (default: $HANDBOOK_PROTOCOLS or the repository's protocols/)")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check protocol files against the schema and each other")
    v.add_argument("paths", nargs="*", help="protocol files or directories (default: all protocols)")
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("show", help="print a protocol, or one clause (by id or number), as text")
    s.add_argument("council")
    s.add_argument("clause", nargs="?")
    s.add_argument("--version", default=None, help="version id (default: the version in force, else the latest)")
    s.set_defaults(func=cmd_show)
    h = sub.add_parser("hash", help="print the content hash of a protocol version")
    h.add_argument("council")
    h.add_argument("version", nargs="?")
    h.set_defaults(func=cmd_hash)
    d = sub.add_parser("diff", help="word-level redline between two versions")
    d.add_argument("council")
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    d.set_defaults(func=cmd_diff)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = args.root or default_root()
    try:
        return args.func(args)
    except InvalidLibrary as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("the protocol files are invalid; fix the problems above (handbook validate)", file=sys.stderr)
        return 1
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 1
