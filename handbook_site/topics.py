"""Topic pages (each topic's clauses from every council, side by side) and the comparison page
(coverage matrix and question tables). The comparisons themselves are the library's
(`handbook.coverage`, `handbook.question_table`); this module only lays them out, so a new
council's file adds a column with no code change."""
from __future__ import annotations

from html import escape

from handbook import coverage, question_table
from handbook.citation import citation, clause_reference
from handbook.compare import AnswerCell, CoverageCell, CoverageRow, coverage_cell
from handbook.model import Clause, Library, Protocol, ProtocolVersion, Topic

from . import urls
from .pages import front_matter
from .render import block_html, clause_label, editorial_note, md_text

NOT_ADDRESSED = '<span class="hb-silent">Not addressed</span>'
NOT_KNOWN = '<span class="hb-silent hb-silent--unknown">Not known</span>'
SILENCE = {"not-addressed": NOT_ADDRESSED, "not-known": NOT_KNOWN}


def council_name(protocol: Protocol) -> str:
    return protocol.council.short_name or protocol.council.name or protocol.title


def clause_href(link: urls.Linker, protocol: Protocol, version: ProtocolVersion, clause: Clause) -> str:
    return link.to(urls.clause_path(protocol, version), clause.id)


def scroll_table(table: str, label: str) -> str:
    """A wide table in a scrollable, keyboard-focusable region (many councils make many columns)."""
    return f'<div class="hb-table-wrap" role="region" aria-label="{escape(label)}" tabindex="0">{table}</div>'


def topic_list_markdown(library: Library, page_path: str = urls.topic_list_path(),
                        rows: tuple[CoverageRow, ...] | None = None) -> str:
    link = urls.Linker(page_path)
    items = []
    for row in rows or coverage(library):
        topic = row.topic
        councils = sum(1 for cell in row.cells if cell.clauses)
        items.append(f'<dt><a href="{link.to(urls.topic_path(topic.id))}">{escape(topic.title)}</a></dt>'
                     f"<dd>{escape(topic.definition)} <em>Addressed by {councils} of {len(library.protocols)} "
                     f"protocols.</em></dd>")
    return "\n".join([front_matter("topic-list"), "# Topics", "",
                      "Every clause is tagged with the topics it addresses. Each topic's page sets the "
                      "councils' clauses side by side.", "",
                      f'<dl class="hb-topics">{"".join(items)}</dl>', ""])


def topic_markdown(library: Library, topic: Topic, page_path: str, row: CoverageRow | None = None) -> str:
    """A topic's page; `row` is its row of handbook.coverage (computed here if not given)."""
    link = urls.Linker(page_path)
    cells = row.cells if row else tuple(coverage_cell(p, topic) for p in library.protocols)
    # No table of contents: the width goes to the councils' columns.
    out = [front_matter("topic", handbook_topic=topic.id, hide=["toc"]), f"# {md_text(topic.title)}", "",
           f'<p class="hb-definition">{escape(topic.definition)}</p>', ""]
    if topic.questions:
        out += [f'<p>How the councils answer {len(topic.questions)} questions on this topic: '
                f'<a href="{link.to(urls.compare_path(), topic.id)}">compare {escape(topic.title.lower())}</a>.</p>', ""]
    columns = []
    for cell in cells:
        protocol, version = cell.protocol, cell.version
        body = []
        for clause in cell.clauses:
            quoted = "".join(block_html(b) for b in clause.content)
            cite = escape(citation(protocol, version, clause))
            # The words are the protocol page's; search lists them there, not here.
            body.append(f'<div class="hb-quoted-clause" data-pagefind-ignore="all"><h3 class="hb-quoted-clause__number">'
                        f'<a href="{clause_href(link, protocol, version, clause)}">{escape(clause_label(clause))}'
                        f'{" " + escape(clause.title) if clause.title else ""}</a></h3>'
                        f'<div class="hb-quoted-clause__text">{quoted}</div>'
                        f'<p class="hb-quoted-clause__cite">{cite}</p></div>')
        if cell.state == "not-addressed":
            body.append(f"<p>{NOT_ADDRESSED}: this protocol has no clause on {escape(topic.title.lower())}.</p>")
        elif cell.state == "not-known":
            body.append(f"<p>{NOT_KNOWN}: only part of this protocol is known, and that part has no clause on "
                        f"{escape(topic.title.lower())}.</p>")
        columns.append(f'<section class="hb-council-column" aria-labelledby="council-{protocol.id}">'
                       f'<h2 id="council-{protocol.id}">{escape(council_name(protocol))}</h2>{"".join(body)}</section>')
    out += [f'<div class="hb-side-by-side">{"".join(columns)}</div>', ""]
    return "\n".join(out)


def clause_links(link: urls.Linker, protocol: Protocol, version: ProtocolVersion, clause_ids) -> str:
    links = []
    for clause_id in clause_ids:
        clause = version.cited(clause_id)
        if clause is None:  # the library validates citations, so this is a bug there, not here
            raise KeyError(f"{protocol.id}: answer cites unknown clause {clause_id!r}")
        links.append(f'<a href="{clause_href(link, protocol, version, clause)}" '
                     f'title="{escape(citation(protocol, version, clause))}">{escape(clause_reference(version, clause))}</a>')
    return ", ".join(links)


def answer_html(link: urls.Linker, cell: AnswerCell) -> str:
    answer = cell.answer
    if not answer.addressed:
        return SILENCE[answer.value]
    cited = clause_links(link, cell.protocol, cell.version, answer.clause_ids)
    return f'{escape(answer.text)}<span class="hb-answer__cites"> ({cited})</span>' if cited else escape(answer.text)


def compare_markdown(library: Library, page_path: str = urls.compare_path(),
                     rows: tuple[CoverageRow, ...] | None = None) -> str:
    link = urls.Linker(page_path)
    heads = "".join(f'<th scope="col"><a href="{link.to(urls.council_path(p))}">{escape(council_name(p))}</a></th>'
                    for p in library.protocols)
    rows = []
    for row in rows or coverage(library):
        cells = "".join(
            "<td>" + (", ".join(f'<a href="{clause_href(link, cell.protocol, cell.version, c)}" '
                                f'title="{escape(citation(cell.protocol, cell.version, c))}">'
                                f"{escape(clause_label(c))}</a>" for c in cell.clauses) or SILENCE[cell.state]) + "</td>"
            for cell in row.cells)
        rows.append(f'<tr><th scope="row"><a href="{link.to(urls.topic_path(row.topic.id))}">'
                    f"{escape(row.topic.title)}</a></th>{cells}</tr>")
    matrix = (f'<table class="hb-matrix"><caption>Clauses of each council\'s protocol on each topic</caption>'
              f'<thead><tr><th scope="col">Topic</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    out = [front_matter("comparison"), "# Compare councils", "",
           "Which clauses of each protocol address each topic, and how the protocols answer the questions "
           "where they differ in substance. Every answer cites the clauses it rests on; where a protocol "
           "says nothing the table says *not addressed*.", "",
           "## Coverage {#coverage}", "",
           # A grid of clause numbers: nothing a search should list (the question tables' answers are).
           '<div data-pagefind-ignore="all">' + scroll_table(matrix, "Coverage of topics by council") + "</div>", ""]
    for topic in library.topics:
        if not topic.questions:
            continue
        qrows = []
        for qrow in question_table(library, topic):
            cells = "".join(f"<td>{answer_html(link, cell)}</td>" for cell in qrow.cells)
            qrows.append(f'<tr><th scope="row">{escape(qrow.question.text)}</th>{cells}</tr>')
        table = (f'<table class="hb-questions"><caption>{escape(topic.title)}: question by question</caption>'
                 f'<thead><tr><th scope="col">Question</th>{heads}</tr></thead><tbody>{"".join(qrows)}</tbody></table>')
        out += [f"## {md_text(topic.title)} {{#{topic.id}}}", "",
                f'<p><a href="{link.to(urls.topic_path(topic.id))}">The clauses on {escape(topic.title.lower())}, '
                "side by side</a>.</p>", "", scroll_table(table, f"{topic.title} questions by council"), ""]
    out += [editorial_note("The comparisons read each council's latest version, including a proposed revision "
                           "where one is recorded; each link says which version it cites.", "How to read these tables"), ""]
    return "\n".join(out)
