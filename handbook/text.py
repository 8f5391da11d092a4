"""Plain text of clauses: for the terminal, for word diffs and for search."""
from __future__ import annotations

import textwrap

from .model import Block, Clause, ListBlock, Note, Paragraph, Protocol, ProtocolVersion, Quote, Table


def block_lines(block: Block) -> list[str]:
    """Each printed line of a block, in reading order (list items, table cells by row)."""
    if isinstance(block, (Paragraph, Quote, Note)):
        return [block.text]
    if isinstance(block, ListBlock):
        lines = []
        for item in block.items:
            lines.append(f"{item.label} {item.text}" if item.label else item.text)
            for inner in item.content:
                lines += block_lines(inner)
        return lines
    if isinstance(block, Table):
        lines = list(block.columns)
        for row in block.rows:
            for cell in row:
                lines += list(cell)
        return lines
    raise TypeError(f"unknown block {block!r}")


def clause_words(clause: Clause) -> list[str]:
    """The words of a clause as a reader sees them: title, then content."""
    words = clause.title.split() if clause.title else []
    for block in clause.content:
        for line in block_lines(block):
            words += line.split()
    return words


def clause_text(clause: Clause) -> str:
    return " ".join(clause_words(clause))


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=92, initial_indent=indent, subsequent_indent=indent)


def render_block(block: Block, indent: str = "    ") -> list[str]:
    if isinstance(block, Paragraph):
        return [_wrap(block.text, indent)]
    if isinstance(block, Quote):
        return [_wrap(f"“{block.text}”", indent + "  ")]
    if isinstance(block, Note):
        return [_wrap(block.text, indent + "  ")]
    if isinstance(block, ListBlock):
        out = []
        for item in block.items:
            marker = item.label or ("✓" if block.style == "tick" else "•")
            out.append(_wrap(f"{marker} {item.text}", indent + "  "))
            for inner in item.content:
                out += render_block(inner, indent + "    ")
        return out
    if isinstance(block, Table):
        out = [indent + " | ".join(block.columns)]
        for row in block.rows:
            out.append(indent + " | ".join("; ".join(cell) for cell in row))
        return out
    raise TypeError(f"unknown block {block!r}")


def render_clause(clause: Clause) -> str:
    head = " ".join(x for x in (clause.display_number, clause.title) if x)
    lines = [head] if head else []
    for block in clause.content:
        lines += render_block(block)
    for note in clause.editorial_notes:
        lines.append(_wrap(f"[Editorial note: {note}]", "    "))
    return "\n".join(lines)


def render_version(protocol: Protocol, version: ProtocolVersion) -> str:
    council = protocol.council.name or "(council not named in the source)"
    lines = [council, protocol.title, f"Version: {version.label}" + ("" if version.complete else " (partial)"), ""]
    if version.completeness_note:
        lines += [f"[{version.completeness_note}]", ""]
    for section in version.sections:
        lines.append(" ".join(x for x in (section.number, section.title) if x).upper())
        lines.append("")
        for item in section.items:
            lines.append(render_clause(item) if isinstance(item, Clause) else f"  {item.heading}")
            lines.append("")
    if version.signature:
        lines += [version.signature.title or "Signature", ""]
        lines += [_wrap(s, "    ") for s in version.signature.statements]
        lines += [f"    {f}: ________" for f in version.signature.fields]
    return "\n".join(lines).rstrip() + "\n"
