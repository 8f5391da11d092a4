"""Topic pages (each topic's clauses from every council, side by side), the comparison page
(coverage matrix) and each topic's question table. The comparisons themselves are the library's
(`handbook.coverage`, `handbook.question_table`); this module only lays them out, so a new
council's file adds a column with no code change."""
from __future__ import annotations

from html import escape

from handbook import coverage, question_table
from handbook.citation import citation
from handbook.compare import CoverageRow, coverage_cell
from handbook.model import Library, Protocol, ProtocolVersion, Standing, Topic
from handbook.render import block_html, clause_label

from . import urls
from .answers import answer_html, clause_href, council_name
from .pages import front_matter
from .render import editorial_note, md_text

NOT_ADDRESSED = '<span class="hb-silent">Not addressed</span>'
NOT_KNOWN = '<span class="hb-silent hb-silent--unknown">Not known</span>'
SILENCE = {"not-addressed": NOT_ADDRESSED, "not-known": NOT_KNOWN}


def scroll_table(table: str, label: str) -> str:
    """A wide table in a scrollable, keyboard-focusable region (many councils make many columns)."""
    return f'<div class="hb-table-wrap" role="region" aria-label="{escape(label)}" tabindex="0">{table}</div>'


def topic_list_markdown(library: Library, page_path: str = urls.topic_list_path(),
                        rows: tuple[CoverageRow, ...] | None = None) -> str:
    link = urls.Linker(page_path)
    items = []
    for row in rows or coverage(library):
        topic = row.topic
        councils = sum(1 for cell in row.cells if cell.state == "addressed")
        unknown = sum(1 for cell in row.cells if cell.state == "not-known")
        # A partial text silent on the topic is neither addressing it nor not: say so.
        known = f" ({unknown} only partly known, silent in the part known)" if unknown else ""
        items.append(f'<dt><a href="{link.to(urls.topic_path(topic.id))}">{escape(topic.title)}</a></dt>'
                     f"<dd>{escape(topic.definition)} <em>Addressed by {councils} of {len(library.protocols)} "
                     f"protocols{known}.</em></dd>")
    return "\n".join([front_matter("topic-list"), "# Topics", "",
                      "Every clause is tagged with the topics it addresses. Each topic's page sets the "
                      "councils' clauses side by side, from each council's version in force.", "",
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
                f'<a href="{link.to(urls.question_table_path(topic.id))}">compare {escape(topic.title.lower())} question by '
                f'question</a>.</p>', ""]
    out += ["<p>Each council's column quotes its version in force (its latest version where none is in force).</p>", ""]
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


def clause_links(link: urls.Linker, protocol: Protocol, version: ProtocolVersion, clauses) -> str:
    return ", ".join(f'<a href="{clause_href(link, protocol, version, c)}" title="{escape(citation(protocol, version, c))}">'
                     f"{escape(clause_label(c))}</a>" for c in clauses)


def compare_markdown(library: Library, page_path: str = urls.compare_path(),
                     rows: tuple[CoverageRow, ...] | None = None) -> str:
    """The comparison page: which clauses address each topic (the coverage matrix) and the way in
    to the question tables, the side-by-side page and each council's review."""
    link = urls.Linker(page_path)
    heads = "".join(f'<th scope="col"><a href="{link.to(urls.council_path(p))}">{escape(council_name(p))}</a></th>'
                    for p in library.protocols)
    rows = rows or coverage(library)
    body = []
    for row in rows:
        cells = "".join("<td>" + (clause_links(link, cell.protocol, cell.version, cell.clauses) or SILENCE[cell.state])
                        + "</td>" for cell in row.cells)
        body.append(f'<tr><th scope="row"><a href="{link.to(urls.topic_path(row.topic.id))}">'
                    f"{escape(row.topic.title)}</a></th>{cells}</tr>")
    matrix = (f'<table class="hb-matrix"><caption>Clauses of each council\'s protocol on each topic</caption>'
              f'<thead><tr><th scope="col">Topic</th>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    tables = "".join(
        f'<li><a href="{link.to(urls.question_table_path(t.id))}">{escape(t.title)}</a>: '
        f'{len(t.questions)} question{"s" if len(t.questions) != 1 else ""}</li>'
        for t in library.topics if t.questions)
    reviews = "".join(f'<li><a href="{link.to(urls.review_path(p))}">{escape(council_name(p))}</a></li>'
                      for p in library.protocols)
    out = [front_matter("comparison"), "# Compare councils", "",
           "What each council's protocol says on each topic, and how the protocols answer the questions a "
           "monitoring officer or a new councillor asks. Every comparison reads each council's version in "
           "force (its latest version where none is in force).", "",
           '<ul class="hb-compare-ways">'
           f'<li><a href="{link.to(urls.side_by_side_path())}">Put two councils side by side</a>: your own '
           "and another, question by question.</li>"
           '<li><a href="#questions">Question tables</a>: every council\'s answer to each question on a topic.</li>'
           '<li><a href="#reviews">Review one protocol against the rest</a>: a short report for a standards '
           "committee.</li></ul>", "",
           "## Coverage {#coverage}", "",
           "*Not addressed*: the protocol is known in full and has no clause on the topic. *Not known*: only "
           "part of the protocol is known, and that part has none.", "",
           # A grid of clause numbers: nothing a search should list (the question tables' answers are).
           '<div data-pagefind-ignore="all">' + scroll_table(matrix, "Coverage of topics by council") + "</div>", "",
           "## Question tables {#questions}", "",
           f'<ul class="hb-question-tables">{tables}</ul>', "",
           "## Reviews {#reviews}", "",
           "Each council's protocol against the rest: the topics most others cover that it does not, the "
           "answers where it differs from most, and whether its review is overdue.", "",
           f'<ul class="hb-reviews">{reviews}</ul>', ""]
    return "\n".join(out)


def question_table_markdown(library: Library, topic: Topic, page_path: str) -> str:
    """One topic's questions, a row each, a column per council: the value to scan down, the
    handbook's sentence, and the cited clauses quoted (folded, or the table would be pages long).
    Below tablet width the stylesheet turns each row into a card naming each council."""
    link = urls.Linker(page_path)
    heads = "".join(f'<th scope="col"><a href="{link.to(urls.council_path(p))}">{escape(council_name(p))}</a></th>'
                    for p in library.protocols)
    body = []
    for qrow in question_table(library, topic):
        cells = "".join(f"<td>{answer_html(link, cell, quotes='folded', council=True)}</td>" for cell in qrow.cells)
        body.append(f'<tr><th scope="row">{escape(qrow.question.text)}</th>{cells}</tr>')
    table = (f'<table class="hb-questions"><caption>{escape(topic.title)}: question by question</caption>'
             f'<thead><tr><th scope="col">Question</th>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    proposed = [p for p in library.protocols if any(p.standing(v) is Standing.PROPOSED for v in p.versions)]
    out = [front_matter("questions", handbook_topic=topic.id, hide=["toc"]),
           f"# {md_text(topic.title)}: question by question", "",
           f'<p class="hb-definition">{escape(topic.definition)}</p>', "",
           f'<p>Each council\'s answer is the handbook\'s own summary of its version in force; the words it '
           f'rests on are quoted under it. <a href="{link.to(urls.topic_path(topic.id))}">All the clauses on '
           f'{escape(topic.title.lower())}, side by side</a>; <a href="{link.to(urls.side_by_side_path())}">two '
           "councils side by side</a>.</p>", "",
           scroll_table(table, f"{topic.title} questions by council"), ""]
    if proposed:
        names = ", ".join(council_name(p) for p in proposed)
        out += [editorial_note(f"A proposed revision is recorded for {names}; this table reads the version in "
                               "force, and the proposal's own page shows what its answers would become.",
                               "Proposed revisions"), ""]
    return "\n".join(out)
