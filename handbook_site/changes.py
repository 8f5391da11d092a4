"""'What changed' redline pages: one per pair of consecutive versions, from handbook.diff_versions.

Clause-aligned (by id, so renumbering is a changed number, not a removed and an added clause),
word runs shown as <ins>/<del>, each also announced in words, never by colour alone.
"""
from __future__ import annotations

from html import escape
from itertools import groupby

from handbook import diff_versions
from handbook.diff import ClauseChange, WordRun
from handbook.model import Protocol, ProtocolVersion, Revision
from handbook.render import clause_label

from . import urls
from .pages import front_matter, protocol_heading
from .render import ClauseContext, editorial_note, human_date, md_text, section_markdown

def run_html(run: WordRun) -> str:
    text = escape(run.text)
    if run.kind == "insert":
        return f'<ins class="hb-ins"><span class="hb-sr-only" data-pagefind-ignore>[inserted: </span>{text}<span class="hb-sr-only" data-pagefind-ignore>]</span></ins>'
    if run.kind == "delete":
        return f'<del class="hb-del"><span class="hb-sr-only" data-pagefind-ignore>[deleted: </span>{text}<span class="hb-sr-only" data-pagefind-ignore>]</span></del>'
    return text


def change_heading(change: ClauseChange) -> str:
    label = clause_label(change.clause)
    if change.renumbered and change.old is not None and change.new is not None:
        was = change.old.display_number or "unnumbered"
        label = f"{clause_label(change.new)} (was {was})"
    return f"{label}: {change.kind}"


def change_html(change: ClauseChange, protocol: Protocol, old: ProtocolVersion, new: ProtocolVersion,
                link: urls.Linker) -> str:
    words = " ".join(run_html(r) for r in change.words)
    if change.new is not None:
        see = (f'<a href="{link.to(urls.clause_path(protocol, new), change.clause_id)}">'
               f"{escape(clause_label(change.new))} in {escape(new.label)}</a>")
    else:
        see = (f'<a href="{link.to(urls.clause_path(protocol, old), change.clause_id)}">'
               f"{escape(clause_label(change.clause))} in {escape(old.label)}</a>")
    return (f'<div class="hb-change hb-change--{change.kind}">'
            f'<h3 class="hb-change__heading" id="{change.clause_id}">{escape(change_heading(change))}</h3>'
            f'<p class="hb-change__words">{words}</p><p class="hb-change__see">See {see}</p></div>')


def revision_markdown(revision: Revision, ctx: ClauseContext) -> str:
    """How the newer version came about (e.g. the Monitoring Officer's report), where recorded."""
    facts = [("Title", revision.title), ("Date", human_date(revision.date)), ("Considered by", revision.body),
             ("Report of", revision.report_of), ("Author", revision.author), ("Wards affected", revision.wards_affected),
             ("Summary", revision.summary), ("Decision required", revision.decision_required)]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts if v)
    reasons = "".join(f"<li>{escape(r)}</li>" for r in revision.reasons)
    out = ["## How this version came about {#revision}", "",
           f'<dl class="hb-control__fields">{rows}</dl>' + (f"<p>Reasons given:</p><ul>{reasons}</ul>" if reasons else ""),
           ""]
    for section in revision.report:
        out.append(section_markdown(section, ctx, id_prefix="report-"))
    return "\n".join(out)


def changes_markdown(protocol: Protocol, old: ProtocolVersion, new: ProtocolVersion, page_path: str,
                     topics: dict, glossary=()) -> str:
    diff = diff_versions(protocol, old, new)
    link = urls.Linker(page_path)

    def version_link(v: ProtocolVersion) -> str:
        status = protocol.standing(v).label.lower()
        return f'<a href="{link.to(urls.version_path(protocol, v))}">{escape(v.label)}</a> ({status})'

    out = [front_matter("redline", handbook_council=protocol.id),
           f"# What changed: {md_text(protocol_heading(protocol))}", "",
           f'<p class="hb-redline__versions">From {version_link(old)} to {version_link(new)}.</p>', "",
           f'<p class="hb-redline__summary">{diff.count("changed")} changed, {diff.count("added")} added, '
           f'{diff.count("removed")} removed, {diff.count("unchanged")} unchanged.</p>', "",
           '<p class="hb-redline__key">Key: <ins class="hb-ins">inserted words are underlined</ins>; '
           '<del class="hb-del">deleted words are struck through</del>.</p>', ""]
    incomplete = [v for v in (old, new) if not v.complete]
    if incomplete:
        out += ["".join(editorial_note(v.completeness_note or f"{v.label} is known only in part.", f"About {v.label}")
                        for v in incomplete), ""]
    for section, changes in groupby(diff.changed, key=lambda c: c.section_title):
        out += [f"## {md_text(section or 'Clauses')}", "",
                "".join(change_html(c, protocol, old, new, link) for c in changes), ""]
    if not diff.changed:
        out += ["The text of the two versions is the same.", ""]
    if new.revision is not None:
        ctx = ClauseContext(protocol, new, link, topics, glossary, tools=False)
        out.append(revision_markdown(new.revision, ctx))
    return "\n".join(out)


def consecutive_pairs(protocol: Protocol):
    return list(zip(protocol.versions, protocol.versions[1:], strict=False))
