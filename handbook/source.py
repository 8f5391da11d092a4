"""Reading YAML files while remembering where every value came from, so errors can say
file:line:column instead of leaving an editor to hunt."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

FieldPath = tuple  # of str keys and int indexes


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"


@dataclass
class SourceDocument:
    path: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: FieldPath, message: str) -> Problem:
        """A problem located at the nearest known position to `where`."""
        line, column = self.position(where)
        return Problem(self.path, line, column, format_field(where), message)

    def position(self, where: FieldPath) -> tuple[int, int]:
        where = tuple(where)
        while where not in self.positions and where:
            where = where[:-1]
        return self.positions.get(where, (1, 1))


def format_field(where: FieldPath) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


# libyaml's parser where installed (over ten times faster), the pure-Python one otherwise (both
# are SafeLoaders to the type checker).
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader that keeps dates as the strings they were written as: the schema expects
    ISO strings, and an editor should not have to quote 2018-01-31 to satisfy it."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: str | Path) -> SourceDocument:
    path = Path(path)
    doc = SourceDocument(str(path), None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        doc.problems.append(Problem(str(path), 1, 1, "(document)", f"cannot read file: {error}"))
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.problems.append(Problem(str(path), 1, 1, "(document)", "file is empty; expected a mapping"))
            return doc
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(str(path), line, column, "(document)", f"YAML syntax error: {error.problem}"))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(Problem(str(path), 1, 1, "(document)", f"YAML error: {error}"))
        return doc
    finally:
        loader.dispose()
    _record_positions(doc, node, ())
    return doc


def _record_positions(doc: SourceDocument, node: yaml.Node, where: FieldPath) -> None:
    doc.positions[where] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                doc.problems.append(Problem(
                    doc.path, line, column, format_field(where + (key,)),
                    f"duplicate key {key!r}: the later value would silently replace the earlier one"))
            seen.add(key)
            _record_positions(doc, value_node, where + (key,))
            doc.positions[where + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_positions(doc, item, where + (index,))
