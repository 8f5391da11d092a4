"""Protocol pages: the council list, each council's page (the version in force) and every
version at its own URL. Plain functions: library objects in, Markdown (with HTML blocks) out."""
from __future__ import annotations

import json
from datetime import date
from html import escape

from handbook import content_hash, signable
from handbook.citation import citation
from handbook.model import DocumentControl, Library, Protocol, ProtocolVersion, Standing
from handbook.render import signature_html

from . import urls
from .render import ClauseContext, editorial_note, human_date, md_text, scroll_region, section_markdown
from .version_answers import comparison_markdown

DOCUMENT_STATUS = {"guidance": "Guidance", "binding": "Binding", "not-stated": "Not stated"}


def front_matter(kind: str, **meta) -> str:
    """YAML front matter (page.meta); values written as JSON, which YAML reads back unchanged
    (an id such as 2018-01-01 stays a string, not a date)."""
    fields = {"handbook_kind": kind, **meta}
    return "\n".join(["---"] + [f"{k}: {json.dumps(v)}" for k, v in fields.items()] + ["---", ""])


def protocol_heading(protocol: Protocol) -> str:
    council = protocol.council.name
    return f"{council}: {protocol.title}" if council else protocol.title


def review_badge(control: DocumentControl, today: date) -> tuple[str, str]:
    """(state, text) of the review-due badge: 'overdue' | 'due' | 'reviewed' | 'unset'."""
    if control.next_review:
        due = control.next_review
        if due < today.isoformat()[: len(due)]:
            return "overdue", f"Review overdue since {human_date(due)}"
        return "due", f"Next review due {human_date(due)}"
    if control.reviewed:
        return "reviewed", f"Last reviewed {human_date(control.reviewed)}"
    return "unset", "Review date not set"


def badge_html(control: DocumentControl, today: date) -> str:
    state, text = review_badge(control, today)
    return f'<p class="hb-badge hb-badge--{state}">{escape(text)}</p>'


def sign_url(signoff_url: str, protocol: Protocol, version: ProtocolVersion) -> str:
    return f"{signoff_url.rstrip('/')}/protocols/{protocol.id}/{version.id}/"


def _row(label: str, value: str | None) -> str:
    return f"<dt>{escape(label)}</dt><dd>{value}</dd>" if value else ""


def document_control_html(protocol: Protocol, version: ProtocolVersion, today: date) -> str:
    control = version.document_control
    status = protocol.standing(version)
    stage = {"adopted": "Adopted", "proposed": "Proposed", "withdrawn": "Withdrawn",
             "unknown": "Not recorded"}.get(version.stage, version.stage)
    blank = ", ".join(control.fields_printed_blank)
    rows = "".join([
        _row("Version", escape(version.label) + ("" if version.complete else " (partial text)")),
        _row("Standing", f'<span class="hb-status hb-status--{status}">{status.label}</span>'),
        _row("Stage", escape(stage)),
        _row("Dated", escape(human_date(version.date) or "")),
        _row("Version number printed", escape(control.version_label or "")),
        _row("Published", escape(human_date(control.published) or "")),
        _row("Adopted", escape(human_date(control.adopted) or "")),
        _row("Last reviewed", escape(human_date(control.reviewed) or "")),
        _row("Next review", escape(human_date(control.next_review) or "")),
        _row("Owner", escape(control.owner or "")),
        _row("Author", escape(control.author or "")),
        _row("Applies to", escape(control.applies_to or "")),
        _row("Status", escape(DOCUMENT_STATUS.get(control.status or "", control.status or ""))),
        _row("Printed blank in the source", escape(blank)),
        _row("Related documents", "<ul>" + "".join(f"<li>{escape(d)}</li>" for d in control.related_documents) + "</ul>"
             if control.related_documents else None),
        _row("Content hash", f'<code class="hb-hash">{escape(content_hash(protocol, version))}</code>'),
        _row("Cite as", escape(citation(protocol, version))),
    ])
    return (f'<div class="hb-control">{badge_html(control, today)}<dl class="hb-control__fields">{rows}</dl>'
            f"{review_history_html(control)}</div>")


def review_history_html(control: DocumentControl) -> str:
    if not control.review_history:
        return ""
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(x or '')}</td>" for x in (human_date(e.date), e.version_label, e.body,
                                                                 e.reason, e.outcome)) + "</tr>"
        for e in control.review_history)
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Date", "Version", "By", "Reason", "Outcome"))
    return scroll_region("Review history", f'<table class="hb-history"><caption>Review history</caption>'
                                           f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def status_banner(protocol: Protocol, version: ProtocolVersion, link: urls.Linker) -> str:
    status = protocol.standing(version)
    in_force = protocol.in_force
    to_current = (f'The version in force is <a href="{link.to(urls.council_path(protocol))}">{escape(in_force.label)}</a>.'
                  if in_force is not None else "No version of this protocol is recorded as in force.")
    if status == Standing.SUPERSEDED:
        text = f"This version is superseded: it is kept here as it stood. {to_current}"
    elif status == Standing.WITHDRAWN:
        text = f"This version was withdrawn: it is kept here as it stood. {to_current}"
    elif status == Standing.PROPOSED:
        text = (f"This version was proposed ({escape(human_date(version.date) or 'undated')}); "
                f"the library records no adoption. {to_current}")
        previous = protocol.previous(version)
        if previous is not None:
            why = "What would change, and why" if version.revision else "What would change"
            text += f' <a href="{link.to(urls.changes_path(protocol, previous, version))}">{why}</a>.'
    else:
        proposals = [v for v in protocol.versions if protocol.standing(v) == Standing.PROPOSED]
        if not proposals:
            return ""
        items = ", ".join(f'<a href="{link.to(urls.version_path(protocol, v))}">{escape(v.label)}</a>' for v in proposals)
        text = f"A revision of this protocol has been proposed: {items}."
        return f'<div class="admonition info hb-banner"><p class="admonition-title">Proposed revision</p><p>{text}</p></div>'
    kind = "info" if status == Standing.PROPOSED else "warning"
    title = f"{status.label} version"
    return (f'<div class="admonition {kind} hb-banner hb-banner--{status}"><p class="admonition-title">{title}</p>'
            f"<p>{text}</p></div>")


def versions_html(protocol: Protocol, version: ProtocolVersion, link: urls.Linker) -> str:
    """Every version, its standing, and the 'what changed' redline from the one before."""
    rows = []
    for v in protocol.versions:
        status = protocol.standing(v)
        here = ' aria-current="page"' if v is version else ""
        name = f'<a href="{link.to(urls.version_path(protocol, v))}"{here}>{escape(v.label)}</a>'
        previous = protocol.previous(v)
        changes = (f'<a href="{link.to(urls.changes_path(protocol, previous, v))}">What changed from '
                   f"{escape(previous.label)}</a>") if previous else ""
        rows.append(f"<tr><td>{name}</td><td>{escape(human_date(v.date) or '')}</td>"
                    f'<td><span class="hb-status hb-status--{status}">{status.label}</span></td>'
                    f"<td>{changes}</td></tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Version", "Dated", "Standing", "Changes"))
    return scroll_region("Versions", f'<table class="hb-versions"><thead><tr>{head}</tr></thead>'
                                     f'<tbody>{"".join(rows)}</tbody></table>')


def signature_in_last_section(version: ProtocolVersion) -> bool:
    """Whether the source gives the signature block a section of its own (South Ribble's
    "Section 25: Signature" holds no clauses, only the block): then it is shown under that heading."""
    return bool(version.signature and version.sections and not version.sections[-1].items)


def sign_action_html(protocol: Protocol, version: ProtocolVersion, signoff_url: str, link: urls.Linker) -> str:
    """The "Sign this protocol" button (to the sign-off service, for this council and version);
    only a version the library says can be signed (in force and complete) is offered."""
    reason = signable(protocol, version)
    if reason is None:
        return (f'<p class="hb-sign"><a class="md-button md-button--primary" '
                f'href="{escape(sign_url(signoff_url, protocol, version))}">Sign this protocol</a></p>')
    in_force = protocol.in_force
    follow = (f' <a href="{link.to(urls.council_path(protocol))}">Read the version in force</a>.'
              if in_force is not None and in_force is not version else "")
    return f'<p class="hb-sign-note">{escape(reason)}{follow}</p>'


def signature_markdown(protocol: Protocol, version: ProtocolVersion) -> str:
    """The signature block the source prints (part of the protocol's text); none, none printed."""
    signature = version.signature
    if signature is None:
        return ""
    in_section = signature_in_last_section(version)
    parts = [] if in_section else ["## Signature block {#signature}", ""]
    parts += [signature_html(signature, "signature" if in_section else None), ""]
    return "\n".join(parts)


def summary_line(protocol: Protocol, version: ProtocolVersion) -> str:
    """What this protocol is, in one line: its standing, version and date, and whether it says it
    binds ("In force: Version 2, May 2018. It presents itself as guidance.")."""
    status = protocol.standing(version)
    dated = human_date(version.date)
    version_name = version.label if not dated or dated in version.label else f"{version.label}, {dated}"
    partial = "" if version.complete else " (only part of its text is known)"
    binding = BINDING_SENTENCE.get(version.document_control.status or "not-stated", BINDING_SENTENCE["not-stated"])
    return f"{STANDING_PHRASE[status]}: {version_name}{partial}. {binding}"


STANDING_PHRASE = {Standing.IN_FORCE: "In force", Standing.SUPERSEDED: "Superseded version",
                   Standing.PROPOSED: "Proposed revision", Standing.WITHDRAWN: "Withdrawn version"}
BINDING_SENTENCE = {"guidance": "It presents itself as guidance.", "binding": "It presents itself as binding.",
                    "not-stated": "It does not say whether it is binding or guidance."}


def lede_html(protocol: Protocol, version: ProtocolVersion) -> str:
    return f'<p class="hb-lede">{escape(summary_line(protocol, version))}</p>'


def page_contents_html(version: ProtocolVersion) -> str:
    """The page's contents: the protocol's sections, then how to acknowledge it and the details."""
    sections = "".join(f'<li><a href="#{s.id}">{escape(" ".join(x for x in (s.number, s.title) if x))}</a></li>'
                       for s in version.sections)
    if version.signature and not signature_in_last_section(version):
        sections += '<li><a href="#signature">Signature block</a></li>'
    after = "".join(f'<li><a href="#{anchor}">{title}</a></li>' for anchor, title in PAGE_PARTS)
    # A list, not numbered by the browser: the sections carry their own printed numbers.
    return (f'<nav class="hb-contents" aria-label="Contents"><ul class="hb-contents__text">{sections}</ul>'
            f'<ul class="hb-contents__parts">{after}</ul></nav>')


# The parts of a protocol page after the protocol's own text, in order (anchor, heading).
PAGE_PARTS = (("acknowledge", "How to acknowledge this protocol"), ("versions", "Versions"),
              ("document-details", "Document details"), ("about-this-transcription", "About this transcription"))


def back_to_contents() -> str:
    """An in-page link back to the contents after each section (in the flow of the page, so it can
    never cover a clause's tools as a floating button would)."""
    return ('<p class="hb-to-contents" data-pagefind-ignore="all"><a href="#contents">Back to contents</a></p>')


def acknowledge_html(protocol: Protocol, version: ProtocolVersion, signoff_url: str, link: urls.Linker) -> str:
    """How acknowledging works, then the way to do it (or why this version cannot be signed)."""
    action = sign_action_html(protocol, version, signoff_url, link)
    if signable(protocol, version) is not None:
        return action
    return ('<div class="hb-acknowledge">'
            "<p>Councillors and officers acknowledge this protocol online, with a personal signing link: "
            "your council's democratic services team (for councillors) or HR team (for officers) sends it "
            "to you by email. The link opens this version's text with the acknowledgement at the end. "
            "Signing records your name, the date and exactly which version you read, and gives you a receipt "
            "to keep.</p>"
            f"{action}"
            '<p class="hb-sign-help">The button opens the sign-off service\'s page for this version, which '
            "says how to get your link and whom to ask if it has not arrived. "
            f'<a href="{link.to("about.md", "signing")}">More about signing</a>.</p></div>')


def document_details_html(protocol: Protocol, version: ProtocolVersion, today: date) -> str:
    """Document control, review history and the content hash: collapsed, for those who need them."""
    return ('<details class="hb-details"><summary>Dates, owner, review history and content hash</summary>'
            f"{document_control_html(protocol, version, today)}"
            '<p class="hb-hash-help">The content hash is a fingerprint of this version\'s text: any change to '
            "the wording, numbering or signature block gives a different hash. The sign-off service stores "
            "it with every signature, so a signature can be matched to the exact text that was read.</p>"
            "</details>")


def transcription_html(protocol: Protocol, version: ProtocolVersion) -> str:
    notes = "".join(f"<li>{escape(n)}</li>" for n in protocol.editorial_notes + version.editorial_notes)
    intro = ("<p>The text above is transcribed word for word from the council's published document, with "
             "the numbers it prints (in square brackets where the document omits one). Where the document "
             "has a slip or the transcription had to make a choice, a note beside the clause says so. "
             "Notes are the handbook's words, not the council's.</p>")
    notes_html = f'<p>About this document as a whole:</p><ul class="hb-transcription-notes">{notes}</ul>' if notes else ""
    return f'<div class="hb-transcription">{intro}{notes_html}</div>'


def protocol_markdown(library: Library, protocol: Protocol, version: ProtocolVersion, page_path: str,
                      signoff_url: str, today: date) -> str:
    """A protocol version's page, in the order a reader needs it: what it is (one line), its
    contents, the text, how to acknowledge it; then its versions, the document details (collapsed)
    and notes about the transcription."""
    link = urls.Linker(page_path)
    status = protocol.standing(version)
    kind = "protocol" if page_path == urls.council_path(protocol) else "version"
    ctx = ClauseContext(protocol, version, link, {t.id: t for t in library.topics}, library.glossary)
    heading = protocol_heading(protocol)
    if kind == "version":
        heading += f" ({version.label})"
    meta = dict(handbook_version_status=str(status), handbook_council=protocol.id, handbook_version=version.id)
    if kind == "version" and version is protocol.default_version:
        # The same text as the council's page, which is the one search should list.
        meta["handbook_duplicate_of"] = urls.url_of(urls.council_path(protocol))
    out = [front_matter(kind, **meta),
           f"# {md_text(heading)}", ""]
    if protocol.subtitle:
        out += [f'<p class="hb-subtitle">{escape(protocol.subtitle)}</p>', ""]
    out += [lede_html(protocol, version), ""]
    banner = status_banner(protocol, version, link)
    if banner:
        out += [banner, ""]
    if version.completeness_note:
        out += [editorial_note(version.completeness_note, "About this version"), ""]
    if protocol.topics_unreviewed:
        out += [editorial_note("This protocol was added recently and the topics its clauses are filed under "
                               "have not yet been reviewed, so its clauses are not yet listed on the topic pages.",
                               "Topics not yet reviewed"), ""]
    out += ["## Contents {#contents}", "", page_contents_html(version), ""]
    for section in version.sections:
        out += [section_markdown(section, ctx), back_to_contents(), ""]
    if version.signature is not None:
        out.append(signature_markdown(protocol, version))
    out += ["## How to acknowledge this protocol {#acknowledge}", "",
            acknowledge_html(protocol, version, signoff_url, link), ""]
    out += comparison_markdown(library, protocol, version, link)
    out += ["## Versions {#versions}", "", versions_html(protocol, version, link), "",
            "## Document details {#document-details}", "", document_details_html(protocol, version, today), "",
            "## About this transcription {#about-this-transcription}", "", transcription_html(protocol, version), ""]
    return "\n".join(out)


def council_list_markdown(library: Library, page_path: str = urls.council_list_path()) -> str:
    link = urls.Linker(page_path)
    rows = []
    for p in library.protocols:
        v = p.default_version
        name = p.council.display_name
        rows.append(f'<tr><td><a href="{link.to(urls.council_path(p))}">{escape(name)}</a></td>'
                    f"<td>{escape(p.title)}</td><td>{escape(v.label)}</td>"
                    f"<td>{len(p.versions)}</td></tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Council", "Protocol", "Version in force", "Versions"))
    table = f'<table class="hb-councils"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return "\n".join([front_matter("council-list"), "# Councils", "",
                      f"The handbook holds {len(library.protocols)} member/officer protocols.", "",
                      scroll_region("Councils", table), ""])
