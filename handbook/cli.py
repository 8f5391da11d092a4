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
from .validate import notes_for_review, unconfirmed_topics

SOURCES_DIR = "sources"  # protocols/sources/: the documents the protocol files were transcribed from


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
    checked = ", ".join(_shown(path) for path in (topics, glossary, vocabulary) if path is not None)
    print(f"ok: {len(docs)} protocol file(s) and {checked} are valid ({elapsed * 1000:.0f} ms)")
    _print_review_list(docs)
    return 0


def _shown(path: Path) -> str:
    """A path as the person at the terminal would type it: relative to where they are, when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print_review_list(docs) -> None:
    """Valid, but not yet reviewed: clauses whose topics are only the importer's suggestions."""
    unconfirmed = [item for doc in docs for item in unconfirmed_topics(doc)]
    notes = [item for doc in docs for item in notes_for_review(doc)]
    for item in notes + unconfirmed:
        print(f"to review: {item}")
    if notes:
        print(f"{len(notes)} editorial note(s) are marked 'For review': check each against the source, then "
              "reword or delete it")
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


def cmd_answers(args) -> int:
    """Each answer beside the full text of the clauses it cites: how an answer is checked."""
    library = load_library(args.root)
    protocol = library.protocol(args.council)
    version = protocol.version(args.version)
    print(f"{protocol.id} {version.id} ({version.label}): {len(library.questions)} questions")
    for question in library.questions:
        answer = version.answer(question.id)
        print(f"\n{question.id}: {question.text}\n  [{answer.value}] {answer.text or ''}".rstrip())
        for clause in filter(None, map(version.cited, answer.clause_ids)):  # validated: each is there
            print("\n".join("  > " + line for line in render_clause(clause).splitlines()))
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


def cmd_import(args) -> int:
    """Write a draft protocol file from a published source; nothing is written unless it validates."""
    from .importer import SourceError, import_protocol
    from .load import check_files

    out = Path(args.out) if args.out else args.root / f"{args.council}.yaml"
    if out.exists() and not args.force:
        print(f"error: {out} already exists; choose another --out, or --force to replace it", file=sys.stderr)
        return 1
    if not out.parent.is_dir():
        print(f"error: {out.parent} is not a folder; create it or choose another --out", file=sys.stderr)
        return 1
    try:
        library = load_library(args.root)
        draft = import_protocol(args.sources, args.council, library, name=args.name, council_type=args.type,
                                sources_root=args.root / SOURCES_DIR)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    staged = out.with_name(f".{out.name}.import-check")
    staged.write_text(draft.yaml_text(), encoding="utf-8")
    try:  # validated under its final name, so the file-name rule applies
        problems, _, _ = check_files([staged], args.root / TOPICS_FILE)
        problems = [p for p in problems if "does not match the file name" not in p.message]
    finally:
        text = staged.read_text(encoding="utf-8")
        staged.unlink()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("error: the draft does not validate; nothing written (please report this with the source)",
              file=sys.stderr)
        return 1
    out.write_text(text, encoding="utf-8")
    _print_import_summary(draft, out)
    if out.stem != args.council:
        print(f"note: name the file {args.council}.yaml when it joins protocols/ (files are named after their council)")
    return 0


def _print_import_summary(draft, out: Path) -> None:
    sections = draft.data["versions"][0]["sections"]
    print(f"wrote {out}: {len(sections)} section(s), {draft.clause_count} clause(s), "
          f"{len(draft.data['source']['omitted'])} omitted item(s) of page furniture")
    review = draft.review_notes
    print(f"review list: {len(review)} note(s) marked for review; every clause's topics are suggestions "
          "(handbook validate lists them); every answer is not-known")
    for note in review:
        print(f"  {note}")
    _print_fidelity(draft.fidelity)


def _print_fidelity(result) -> None:
    print(f"fidelity: {result.coverage:.2%} of the source's {result.source_words} words are in the file, in order")
    for gap in result.missing:
        print(f"  missing: {gap}")
    if result.invented:
        print(f"  words the source never uses: {' '.join(result.invented)}")


def cmd_fidelity(args) -> int:
    """The fidelity check the test suite runs, on any protocol file."""
    from .fidelity import fidelity
    from .importer import SourceError
    from .source import read_yaml

    path = args.root / f"{args.council}.yaml"
    if not path.exists():
        print(f"error: no protocol file {path}", file=sys.stderr)
        return 1
    source = read_yaml(path).data.get("source", {})
    if args.sources:
        sources = [Path(s) for s in args.sources]
    else:
        named = [source["file"]] if source.get("file") else [p["file"] for p in source.get("pages", []) if p.get("file")]
        sources = [args.root / SOURCES_DIR / name for name in named]
    absent = [s for s in sources if not s.exists()]
    if not sources or absent:
        where = ", ".join(map(str, absent)) or "no source file named in the protocol file"
        print(f"error: source document not found ({where}); give its path: handbook fidelity {args.council} SOURCE",
              file=sys.stderr)
        return 1
    try:
        result = fidelity([str(s) for s in sources], path)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _print_fidelity(result)
    return 0 if not result.missing else 1


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
    a = sub.add_parser("answers", help="print a version's answers to the comparison questions, each beside "
                       "the text of the clauses it cites")
    a.add_argument("council")
    a.add_argument("--version", default=None, help="version id (default: the version in force, else the latest)")
    a.set_defaults(func=cmd_answers)
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
    i = sub.add_parser("import", help="draft a protocol file from a council's published protocol")
    i.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="the protocol as published: .txt, .pdf, .docx or .html (several web pages in order)")
    i.add_argument("--council", required=True, help="the council's id (lowercase, hyphens): the file's name")
    i.add_argument("--name", default=None, help="the council's name as the source gives it")
    i.add_argument("--type", default="unknown", help="district, borough, town, parish, county, unitary, ...")
    i.add_argument("--out", default=None, help="where to write (default: protocols/COUNCIL.yaml)")
    i.add_argument("--force", action="store_true", help="replace an existing file")
    i.set_defaults(func=cmd_import)
    f = sub.add_parser("fidelity", help="check a protocol file keeps every word of its source, in order")
    f.add_argument("council")
    f.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="the source document(s) (default: the file(s) its source names, in protocols/sources/)")
    f.set_defaults(func=cmd_fidelity)
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
