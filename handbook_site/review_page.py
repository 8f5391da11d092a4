"""A council's review page: its protocol against the rest, as a short report a monitoring officer
can take to a standards committee. The findings are the library's (`handbook.compare.ReviewIndex`);
this module only writes them out, and prints on a few pages (no navigation, quotes kept whole)."""
from __future__ import annotations

from datetime import date
from html import escape

from handbook.compare import Difference, Review, ReviewDue
from handbook.model import Library
from handbook.render import clause_label

from . import urls
from .answers import answer_html, council_name, value_html
from .pages import front_matter
from .render import human_date, md_text


def due_html(due: ReviewDue, today: date) -> str:
    """When it was last reviewed, its own rule, and whether a review is overdue (as of the build)."""
    as_of = human_date(today.isoformat())
    lines = []
    if due.last_reviewed:
        lines.append(f"Last reviewed: {escape(human_date(due.last_reviewed) or '')}.")
    else:
        since = f" It has been in force since {escape(human_date(due.in_force_since) or '')}." if due.in_force_since else ""
        lines.append(f"No review is recorded.{since}")
    if due.every_months:
        every = "every year" if due.every_months == 12 else f"every {due.every_months} months"
        lines.append(f"Its own rule: a review {every}.")
    if due.due is None:
        lines.append("The protocol sets no review date or interval, so whether a review is overdue cannot be said.")
        state = "unset"
    elif due.overdue:
        lines.append(f"<strong>A review is overdue</strong>: it fell due in {escape(human_date(due.due) or '')} "
                     f"(as of {escape(as_of or '')}).")
        state = "overdue"
    else:
        lines.append(f"The next review falls due in {escape(human_date(due.due) or '')}; it is not overdue "
                     f"(as of {escape(as_of or '')}).")
        state = "due"
    return f'<div class="hb-review-due hb-review-due--{state}"><p>{" ".join(lines)}</p></div>'


def gaps_html(review: Review, link: urls.Linker) -> str:
    if not review.gaps:
        return "<p>None: it addresses every topic that most other protocols address.</p>"
    items = []
    for gap in review.gaps:
        state = ("not addressed" if gap.state == "not-addressed"
                 else "not known (only part of this protocol is known)")
        items.append(f'<li><a href="{link.to(urls.topic_path(gap.topic.id))}">{escape(gap.topic.title)}</a>: '
                     f"{state}; addressed by {gap.others_addressing} of {gap.others} other protocols.</li>")
    return f'<ul class="hb-review-gaps">{"".join(items)}</ul>'


def difference_html(difference: Difference, link: urls.Linker) -> str:
    examples = "".join(f"<li>{answer_html(link, example, quotes='none', council=True)}</li>"
                       for example in difference.examples)
    return (f'<section class="hb-review-difference"><h3>{escape(difference.question.text)}</h3>'
            f'<div class="hb-review-difference__pair"><div class="hb-review-difference__mine">'
            f"<h4>This protocol</h4>{answer_html(link, difference.mine, quotes='folded')}</div>"
            f'<div class="hb-review-difference__usual"><h4>Most others: {value_html(difference.usual_value)} '
            f"({difference.usual_count} of {difference.others})</h4>"
            f'<p class="hb-review-difference__examples">For example:</p><ul class="hb-review-examples">{examples}</ul>'
            f"</div></div></section>")


def review_markdown(library: Library, review: Review, page_path: str, today: date) -> str:
    link = urls.Linker(page_path)
    protocol, version = review.protocol, review.version
    name = council_name(protocol)
    silent_here = [d for d in review.differences if d.usual_value != "not-addressed"]
    beyond = [d for d in review.differences if d.usual_value == "not-addressed"]
    pair = f'{link.to(urls.side_by_side_path())}?a={protocol.id}'
    out = [front_matter("review", hide=["toc"]), f"# {md_text(name)}: review against other councils", "",
           f'<p class="hb-review-lede">The {escape(protocol.title)} of {escape(name)}, '
           f'<a href="{link.to(urls.clause_path(protocol, version))}">{escape(version.label)}</a>'
           f'{"" if version.complete else " (only part of its text is known)"}, compared with the version in '
           f"force of each of the {review.others} other protocols in the handbook. Built {escape(human_date(today.isoformat()) or '')}.</p>", "",
           f'<p class="hb-review-tools"><a href="{pair}">Put it side by side with one other council</a>.</p>', "",
           "## Review date {#review-date}", "", due_html(review.due, today), "",
           "## Topics most others cover {#topics}", "",
           "<p>Topics that most other protocols address and this one does not. Here and below, \"most\" counts "
           "only the protocols whose text is known on the point: one of which only part is known, and that part "
           "silent, is left out.</p>", "",
           gaps_html(review, link), "",
           "## Where it differs from most others {#differences}", ""]
    if silent_here:
        out += ["<p>Questions on which most other protocols give one answer and this one gives another, with "
                "both answers and the words they rest on.</p>", ""]
        out += [difference_html(d, link) for d in silent_here] + [""]
    else:
        out += ["<p>None: on every question its answer is the one most others give, or no answer is shared by "
                "most.</p>", ""]
    if beyond:
        items = "".join(f"<li>{escape(d.question.text)} {value_html(d.mine.answer.value)}"
                        f' ({d.usual_count} of {d.others} others do not address it)</li>' for d in beyond)
        out += ["### Where it says more than most {#says-more}", "",
                "<p>Questions most other protocols do not address and this one does.</p>", "",
                f'<ul class="hb-review-more">{items}</ul>', ""]
    out += ["## Clauses with no topic {#untagged}", ""]
    if review.untagged:
        topics = {t.id: t.title for t in library.topics}

        def suggested(clause) -> str:
            if not clause.topics_suggested:
                return ""
            names = ", ".join(topics.get(t, t) for t in clause.topics_suggested)
            return f" (suggested, not yet confirmed: {escape(names)})"

        items = "".join(f'<li><a href="{link.to(urls.clause_path(protocol, version), c.id)}">'
                        f"{escape(clause_label(c))}</a>{suggested(c)}</li>" for c in review.untagged)
        out += ["<p>Clauses in force filed under no confirmed topic, so no comparison reaches them. Topics an "
                "imported text was given by suggestion count only once someone has confirmed them.</p>", "",
                f'<ul class="hb-review-untagged">{items}</ul>', ""]
    else:
        out += [f"<p>None: each of its {sum(1 for _ in version.clauses())} clauses in force is filed under at "
                "least one topic.</p>", ""]
    return "\n".join(out)
