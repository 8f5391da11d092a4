"""Validation: the JSON Schema first, then cross-reference rules, each one small function.

Every rule yields Problems with their place; callers collect them all before reporting.
"""
from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import fastjsonschema
import jsonschema
from jsonschema.exceptions import best_match

from .source import Problem, SourceDocument

SCHEMA_DIR = Path(__file__).parent / "schema"


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


@cache
def _fast_check(name: str):
    """A compiled yes/no check, about 20x faster than jsonschema, so a valid library (the common
    case: hundreds of files in a site build) never pays for jsonschema's error machinery. Compiled
    as draft 7, which reads our schemas exactly as 2020-12 does ($ref never has siblings);
    test_validate checks the two agree on every fixture and seed file."""
    return fastjsonschema.compile({**schema(name), "$schema": "http://json-schema.org/draft-07/schema#"},
                                  use_default=False)


# --- Schema ----------------------------------------------------------------------------------


def schema_problems(doc: SourceDocument, schema_name: str) -> list[Problem]:
    try:
        _fast_check(schema_name)(doc.data)
        return []
    except fastjsonschema.JsonSchemaValueException:
        pass  # invalid: jsonschema finds every error and explains each with its place
    problems = []
    for error in _validator(schema_name).iter_errors(doc.data):
        for leaf in _explain(error):
            where = tuple(leaf.absolute_path)
            if leaf.validator == "additionalProperties":  # point at the unexpected key itself
                where += (sorted(_keys(leaf) - set(_schema(leaf).get("properties", {})))[0],)
            problems.append(doc.problem(where, _message(leaf)))
    return problems


def _explain(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For a oneOf failure, the errors of the alternative the author evidently meant: not one
    whose type does not even match, and of the rest the one with the fewest complaints."""
    if not error.context:
        return [error]
    branches: dict = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    plausible = [errs for errs in branches.values()
                 if not any(e.validator in ("type", "const", "enum") and not e.relative_path for e in errs)]
    if not plausible:
        return [best_match(error.context)]
    chosen = min(plausible, key=len)
    return [leaf for sub in chosen for leaf in _explain(sub)]


def _schema(error: jsonschema.ValidationError) -> Mapping[str, Any]:
    """The schema the error is about (a bare true/false schema has nothing to say)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _keys(error: jsonschema.ValidationError) -> set[str]:
    """The keys of the mapping the error is about."""
    return set(error.instance) if isinstance(error.instance, Mapping) else set()


def _allowed(error: jsonschema.ValidationError) -> list[str]:
    """An enum's allowed values, as text."""
    return [str(v) for v in error.validator_value] if isinstance(error.validator_value, (list, tuple)) else []


def _message(error: jsonschema.ValidationError) -> str:
    hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
    message = _plain_message(error)
    return f"{message} ({hint})" if hint else message


def _plain_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        missing = re.search(r"'(.+?)' is a required property", error.message)
        if missing and missing.group(1) == "number" and "clauses" in error.absolute_path:
            return ("missing required field 'number'; write the number as printed, or "
                    "'number: null' for a paragraph printed without one")
        if missing and missing.group(1) == "file" and tuple(error.absolute_path) == ("source",):
            return "missing required field 'file' (or 'pages', for a source published as web pages)"
        return f"missing required field {missing.group(1)!r}" if missing else error.message
    if error.validator == "additionalProperties":
        allowed = sorted(_schema(error).get("properties", {}))
        extra = sorted(_keys(error) - set(allowed))
        return f"unknown field {', '.join(map(repr, extra))}; expected one of: {', '.join(allowed)}"
    if error.validator == "enum" and isinstance(error.instance, bool):
        return (f"{error.instance!r} is not allowed; YAML reads an unquoted yes or no as true or false: "
                f"write it in quotes (\"yes\"); expected one of: {', '.join(_allowed(error))}")
    if error.validator == "enum":
        return f"{error.instance!r} is not allowed; expected one of: {', '.join(_allowed(error))}"
    if error.validator == "pattern":
        pattern = error.validator_value if isinstance(error.validator_value, str) else ""
        if "[0-9]{4}" in pattern:
            return f"{error.instance!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"
        if pattern.startswith("^https?"):
            return f"{error.instance!r} is not a web address; expected one starting http:// or https://"
        return f"{error.instance!r} is not a valid id; expected lowercase letters, digits and hyphens"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}, got {type(error.instance).__name__} {error.instance!r}"
    if error.validator == "const":
        return f"{error.instance!r} is not allowed; expected {error.validator_value!r}"
    if error.validator in ("minItems", "minLength"):
        return "must not be empty"
    return error.message


# --- Cross-reference rules ---------------------------------------------------------------------


def _clauses(version: dict, v_index: int) -> Iterator[tuple[tuple, dict]]:
    for s_index, section in enumerate(version.get("sections", [])):
        for c_index, item in enumerate(section.get("clauses", [])):
            if "id" in item:
                yield ("versions", v_index, "sections", s_index, "clauses", c_index), item


def duplicate_ids(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    data = doc.data
    seen_versions: set = set()
    for v_index, version in enumerate(data["versions"]):
        if version["id"] in seen_versions:
            yield doc.problem(("versions", v_index, "id"), f"duplicate version id {version['id']!r}")
        seen_versions.add(version["id"])
        seen_sections: set = set()
        for s_index, section in enumerate(version["sections"]):
            if section["id"] in seen_sections:
                yield doc.problem(("versions", v_index, "sections", s_index, "id"),
                                  f"duplicate section id {section['id']!r} in version {version['id']!r}")
            seen_sections.add(section["id"])
        seen_clauses: dict = {}
        for where, clause in _clauses(version, v_index):
            if clause["id"] in seen_clauses:
                first = doc.position(seen_clauses[clause["id"]] + ("id",))[0]
                yield doc.problem(where + ("id",), f"duplicate clause id {clause['id']!r} "
                                  f"in version {version['id']!r} (first used on line {first})")
            else:
                seen_clauses[clause["id"]] = where


def unknown_topics(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    for v_index, version in enumerate(doc.data["versions"]):
        for where, clause in _clauses(version, v_index):
            for key in ("topics", "topics_suggested"):
                for t_index, topic in enumerate(clause.get(key, [])):
                    if topic not in topics:
                        yield doc.problem(where + (key, t_index), f"unknown topic {topic!r}; "
                                          f"{_nearest(topic, topics)}topics are defined in topics.yaml")


def _nearest(topic: str, topics: dict) -> str:
    """'did you mean ...? ' naming the closest topic ids, or nothing when none is close."""
    close = difflib.get_close_matches(topic, list(topics), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(map(repr, close))}? " if close else ""


def clauses_without_topics(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    """A clause needs topics; an imported draft's suggested topics count until reviewed (and
    `unconfirmed_topics` lists them)."""
    for v_index, version in enumerate(doc.data["versions"]):
        for where, clause in _clauses(version, v_index):
            if not clause.get("topics") and not clause.get("topics_suggested"):
                yield doc.problem(where + ("id",), f"clause {clause['id']!r} has no topics; "
                                  "every clause needs at least one topic from topics.yaml")


def file_named_after_council(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    """protocols/<council-id>.yaml: one place to look for a council, and no two files for one."""
    council_id = doc.data["council"]["id"]
    stem = Path(doc.path).stem
    if stem != council_id:
        yield doc.problem(("council", "id"), f"council id {council_id!r} does not match the file name "
                          f"{Path(doc.path).name!r}; name the file {council_id}.yaml")


def page_sections_exist(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    known = {s["id"] for v in doc.data["versions"] for s in v["sections"]}
    for p_index, page in enumerate(doc.data["source"].get("pages", [])):
        for s_index, section_id in enumerate(page.get("sections", [])):
            if section_id not in known:
                yield doc.problem(("source", "pages", p_index, "sections", s_index),
                                  f"no section {section_id!r} in any version")


def unconfirmed_topics(doc: SourceDocument) -> list[Problem]:
    """Clauses whose topics are only suggestions (from `handbook import`): not errors, but a
    review list, each at its place."""
    return [doc.problem(where + ("topics_suggested",), f"clause {clause['id']!r}: suggested topics "
                        f"{', '.join(clause['topics_suggested'])} are not yet confirmed")
            for v_index, version in enumerate(doc.data["versions"])
            for where, clause in _clauses(version, v_index) if clause.get("topics_suggested")]


def notes_for_review(doc: SourceDocument) -> list[Problem]:
    """Editorial notes `handbook import` marked "For review": a defect seen in the source that a
    person must check against it (then reword or delete the note)."""
    out = []
    for v_index, version in enumerate(doc.data["versions"]):
        for where, clause in _clauses(version, v_index):
            for n_index, note in enumerate(clause.get("editorial_notes", [])):
                if note.startswith("For review"):
                    out.append(doc.problem(where + ("editorial_notes", n_index), f"clause {clause['id']!r}: {note}"))
    return out


def versions_in_order(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    previous = None
    for v_index, version in enumerate(doc.data["versions"]):
        date = version.get("date")
        if date is None:
            continue
        if previous is not None and date < previous[1]:
            yield doc.problem(("versions", v_index, "date"),
                              f"version {version['id']!r} ({date}) is dated before version "
                              f"{previous[0]!r} ({previous[1]}); list versions oldest first")
        previous = (version["id"], date)


def answering_versions(versions: list[dict]) -> list[int]:
    """Indices of the versions that must answer every question: the one comparisons use (the version
    in force: the last adopted one; else the last listed) and every version after it,
    whose pages show what the answers would become. A superseded version may answer; if it does,
    it answers everything too (see answered_versions)."""
    standing = [i for i, v in enumerate(versions) if v.get("stage", "adopted") == "adopted"]
    first = standing[-1] if standing else len(versions) - 1
    return [i for i in range(first, len(versions)) if versions[i].get("stage") != "withdrawn"]


def _answered_versions(versions: list[dict]) -> list[int]:
    must = set(answering_versions(versions))
    return [i for i, v in enumerate(versions) if i in must or "answers" in v]


def answers_complete(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    questions = {q for topic in topics.values() for q in topic}
    versions = doc.data["versions"]
    for v_index in _answered_versions(versions):
        version = versions[v_index]
        answers = version.get("answers", {})
        where = ("versions", v_index, "answers") if "answers" in version else ("versions", v_index, "id")
        for key in answers:
            if key not in questions:
                yield doc.problem(("versions", v_index, "answers", key), f"unknown question {key!r}; questions "
                                  "are defined in topics.yaml and keyed <topic-id>.<question-id>")
        for question in sorted(questions - set(answers)):
            yield doc.problem(where, f"version {version['id']!r} does not answer question {question!r}; "
                              "answer it, or say 'not-addressed' (the text is silent) or "
                              "'not-known' (the text is partial and silent)")


def answer_citations(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    """An answer cites clauses of its own version: a clause of another version may say otherwise."""
    for v_index, version in enumerate(doc.data["versions"]):
        known = {clause["id"] for _, clause in _clauses(version, v_index)}
        if "signature" in version:
            known.add("signature")  # the signature block is citable (model.SIGNATURE_ID)
        for key, answer in version.get("answers", {}).items():
            if not isinstance(answer, dict):
                continue
            for c_index, clause_id in enumerate(answer.get("clauses", [])):
                if clause_id not in known:
                    yield doc.problem(("versions", v_index, "answers", key, "clauses", c_index),
                                      f"cites clause {clause_id!r}, which is not in version {version['id']!r}")
            if answer["value"] in ("not-addressed", "not-known") and answer.get("clauses"):
                yield doc.problem(("versions", v_index, "answers", key, "clauses"),
                                  f"an answer of {answer['value']!r} cites no clauses; "
                                  "give the value yes, no or conditional if a clause addresses it")


_SENTENCE_BREAK = re.compile(r"[.!?][\"')]? +[A-Z]")


def answers_are_one_sentence(doc: SourceDocument, topics: dict) -> Iterator[Problem]:
    """A question table shows one sentence per council: a second one is the start of a summary of
    the protocol, which belongs in the quoted clauses, not the answer."""
    for v_index, version in enumerate(doc.data["versions"]):
        for key, answer in version.get("answers", {}).items():
            if isinstance(answer, dict) and _SENTENCE_BREAK.search(answer["answer"]):
                yield doc.problem(("versions", v_index, "answers", key, "answer"),
                                  "an answer is one sentence; join its parts with a semicolon or a colon, "
                                  "or leave the detail to the clauses it cites")


PROTOCOL_RULES = (file_named_after_council, duplicate_ids, unknown_topics, clauses_without_topics,
                  versions_in_order, answers_complete, answer_citations, answers_are_one_sentence,
                  page_sections_exist)


def topic_rules(doc: SourceDocument) -> Iterator[Problem]:
    seen: set = set()
    for t_index, topic in enumerate(doc.data["topics"]):
        if topic["id"] in seen:
            yield doc.problem(("topics", t_index, "id"), f"duplicate topic id {topic['id']!r}")
        seen.add(topic["id"])
        q_seen: set = set()
        for q_index, question in enumerate(topic.get("questions", [])):
            if question["id"] in q_seen:
                yield doc.problem(("topics", t_index, "questions", q_index, "id"),
                                  f"duplicate question id {question['id']!r} in topic {topic['id']!r}")
            q_seen.add(question["id"])


def glossary_rules(doc: SourceDocument) -> Iterator[Problem]:
    """Ids unique; each name (term or alias) belongs to one term, or links would be ambiguous."""
    ids: set = set()
    names: dict = {}
    for t_index, term in enumerate(doc.data["terms"]):
        if term["id"] in ids:
            yield doc.problem(("terms", t_index, "id"), f"duplicate glossary id {term['id']!r}")
        ids.add(term["id"])
        for field, name in [("term", term["term"])] + [(("aliases", i), a) for i, a in enumerate(term.get("aliases", []))]:
            where = ("terms", t_index) + (field if isinstance(field, tuple) else (field,))
            if name in names and names[name] != term["id"]:
                yield doc.problem(where, f"{name!r} is already a name of glossary term {names[name]!r}")
            names.setdefault(name, term["id"])


def vocabulary_rules(doc: SourceDocument, topics: dict | None) -> Iterator[Problem]:
    """Ids unique; every topic named exists in topics.yaml (unchecked while topics.yaml is broken)."""
    ids: set = set()
    for e_index, entry in enumerate(doc.data["entries"]):
        if entry["id"] in ids:
            yield doc.problem(("entries", e_index, "id"), f"duplicate vocabulary id {entry['id']!r}")
        ids.add(entry["id"])
        for t_index, topic in enumerate(entry.get("topics", [])):
            if topics is not None and topic not in topics:
                yield doc.problem(("entries", e_index, "topics", t_index),
                                  f"unknown topic {topic!r}; topics are defined in topics.yaml")
        for field in ("protocol", "reader"):
            seen: set = set()
            for w_index, word in enumerate(entry[field]):
                if word.casefold() in seen:
                    yield doc.problem(("entries", e_index, field, w_index),
                                      f"{word!r} is listed twice in vocabulary entry {entry['id']!r}")
                seen.add(word.casefold())


# --- Whole files -------------------------------------------------------------------------------


def topic_index(doc: SourceDocument) -> dict[str, list[str]]:
    """topic id -> the full ids of its questions ("<topic>.<question>")."""
    return {t["id"]: [f"{t['id']}.{q['id']}" for q in t.get("questions", [])] for t in doc.data["topics"]}


def _check(doc: SourceDocument, schema_name: str, rule) -> list[Problem]:
    """YAML problems, then the schema, then (only on a well-shaped file) the file's own rules."""
    problems = list(doc.problems)
    if doc.data is not None:
        problems += schema_problems(doc, schema_name)
        if not problems:
            problems += list(rule(doc))
    return problems


def check_topics(doc: SourceDocument) -> list[Problem]:
    return _check(doc, "topics", topic_rules)


def check_glossary(doc: SourceDocument) -> list[Problem]:
    return _check(doc, "glossary", glossary_rules)


def check_vocabulary(doc: SourceDocument, topics: dict | None) -> list[Problem]:
    """Schema, then the vocabulary's rules against `topics` (None when topics.yaml is itself broken)."""
    return _check(doc, "vocabulary", lambda d: vocabulary_rules(d, topics))


def check_protocol(doc: SourceDocument, topics: dict | None) -> list[Problem]:
    """Schema, then cross-references against `topics` (None when topics.yaml is itself broken)."""
    problems = list(doc.problems)
    if doc.data is None:
        return problems
    problems += schema_problems(doc, "protocol")
    if problems or topics is None:  # cross-reference rules assume the shape the schema guarantees
        return problems
    for rule in PROTOCOL_RULES:
        problems += list(rule(doc, topics))
    return problems


def check_council_ids(docs: Iterable[SourceDocument]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for doc in docs:
        council_id = doc.data["council"]["id"]
        if council_id in seen:
            problems.append(doc.problem(("council", "id"), f"council id {council_id!r} is also used by {seen[council_id]}"))
        seen[council_id] = doc.path
    return problems
