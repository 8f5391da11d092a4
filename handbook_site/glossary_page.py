"""The glossary of roles: each term's definition (the handbook's words, not a protocol's), the
other names protocols print for it, and the clauses that use it (handbook.term_uses)."""
from __future__ import annotations

from html import escape
from itertools import groupby

from handbook import terms_in_clause
from handbook.citation import citation
from handbook.model import Library
from handbook.render import clause_label

from . import urls
from .pages import front_matter
from .render import md_text
from .topics import council_name


def uses_by_term(library: Library) -> dict[str, list]:
    """term id -> [(protocol, clause)] over each protocol's version in force (else latest): what
    handbook.term_uses answers for one term, found in one pass over the clauses instead of one
    pass per term (glossary terms x clauses was a tenth of a 40-council build)."""
    uses: dict[str, list] = {term.id: [] for term in library.glossary}
    for protocol in library.protocols:
        for clause in protocol.default_version.clauses():
            for term in terms_in_clause(clause, library.glossary):
                uses[term.id].append((protocol, clause))
    return uses


def glossary_markdown(library: Library, page_path: str = urls.glossary_path()) -> str:
    link = urls.Linker(page_path)
    all_uses = uses_by_term(library)
    out = [front_matter("glossary"), "# Glossary of roles", "",
           "The roles and bodies the protocols refer to, explained in plain English. These explanations "
           "are the handbook's, not any council's; a clause's first mention of a role links here. The clauses "
           "listed under each role are those of each council's version in force (its latest version where none "
           "is in force).", ""]
    for term in library.glossary:
        out += [f"## {md_text(term.term)} {{#{term.id}}}", "", f"<p>{escape(term.definition)}</p>", ""]
        if term.aliases:
            out += ['<p class="hb-aliases">Also printed as: '
                    + ", ".join(f"<em>{escape(a)}</em>" for a in term.aliases) + ".</p>", ""]
        uses = all_uses[term.id]
        if uses:
            items = []
            for protocol, pairs in groupby(uses, key=lambda pc: pc[0]):
                version = protocol.default_version
                links = ", ".join(f'<a href="{link.to(urls.clause_path(protocol, version), c.id)}" '
                                  f'title="{escape(citation(protocol, version, c))}">{escape(clause_label(c))}</a>'
                                  for _, c in pairs)
                items.append(f"<li>{escape(council_name(protocol))}: {links}</li>")
            out += [f'<p class="hb-uses-title">Used in:</p><ul class="hb-uses" data-pagefind-ignore>{"".join(items)}</ul>', ""]
        else:
            out += ['<p class="hb-uses-title">No protocol in the handbook uses this term.</p>', ""]
    return "\n".join(out)
