"""mkdocs-macros for the hand-written pages: small facts from the library, never typed by hand.

A page opts in with `render_macros: true`; a typo (unknown council, clause or macro) fails the
build (on_undefined: strict, on_error_fail: true) rather than rendering blank.
"""
from __future__ import annotations

from html import escape

from handbook.citation import citation
from handbook.model import Library, Protocol
from handbook.render import block_html

from . import urls
from .pages import summary_line
from .render import Inline


def _library(env) -> Library:
    plugin = env.conf.plugins["handbook-pages"]
    if plugin.library is None:
        raise RuntimeError("the handbook-pages plugin has not loaded the library (list it before macros)")
    return plugin.library


def _link(env, path: str, fragment: str | None = None) -> str:
    page = env.page.file.src_uri if env.page is not None else "index.md"
    return urls.Linker(page).to(path, fragment)


def define_env(env) -> None:
    @env.macro
    def council_count() -> int:
        """How many councils' protocols the handbook holds."""
        return len(_library(env).protocols)

    @env.macro
    def clause_count() -> int:
        """How many clauses the versions in force hold, across all councils."""
        return sum(len(list(p.default_version.clauses())) for p in _library(env).protocols)

    @env.macro
    def topic_count() -> int:
        return len(_library(env).topics)

    @env.macro
    def quote_clause(council_id: str, clause_id: str) -> str:
        """A clause of a council's version in force, quoted verbatim with its citation and link."""
        protocol = _library(env).protocol(council_id)
        version = protocol.default_version
        clause = version.clause(clause_id)
        if clause is None:
            raise KeyError(f"{council_id} has no clause {clause_id!r} in {version.id}")
        body = "".join(block_html(b, Inline()) for b in clause.content)
        href = _link(env, urls.council_path(protocol), clause.id)
        # Quoted here for show; search lists the clause on its protocol page.
        return (f'<blockquote class="hb-quoted-clause" data-pagefind-ignore="all">{body}<p class="hb-quoted-clause__cite">'
                f'<a href="{href}">{escape(citation(protocol, version, clause))}</a></p></blockquote>')

    @env.macro
    def site_owner() -> str:
        """Who runs this copy of the handbook (mkdocs.yml extra.owner)."""
        return escape(str(env.conf.extra.get("owner") or "the organisation that publishes this handbook"))

    @env.macro
    def contact_html() -> str:
        """How to reach the owner (mkdocs.yml extra.contact_email / contact_url), as links."""
        email, url = env.conf.extra.get("contact_email"), env.conf.extra.get("contact_url")
        ways = ([f'email <a href="mailto:{escape(email)}">{escape(email)}</a>'] if email else []) + \
               ([f'use <a href="{escape(url)}">the contact page</a>'] if url else [])
        return " or ".join(ways) or "contact the organisation that publishes this handbook"

    @env.macro
    def find_your_council() -> str:
        """The home page's "Find your council": every council with a short induction path (what its
        protocol is, its contents, the full text, how to acknowledge it), filtered as the reader types
        by handbook.js; without JavaScript it is a plain list."""
        protocols = sorted(_library(env).protocols, key=start_order)
        items = "".join(council_start_html(p, _link(env, urls.council_path(p))) for p in protocols)
        return ('<div class="hb-finder" data-hb-finder hidden>'
                '<label class="hb-finder__label" for="hb-council-filter">Type your council\'s name</label>'
                '<input class="hb-finder__input" id="hb-council-filter" type="search" autocomplete="off" '
                'spellcheck="false" aria-controls="hb-council-list" aria-describedby="hb-council-count">'
                '<p class="hb-finder__count" id="hb-council-count" role="status"></p></div>'
                f'<ul class="hb-start" id="hb-council-list" data-pagefind-ignore="all">{items}</ul>'
                '<p class="hb-start__none" hidden>No council in the handbook matches that name. '
                f'<a href="{_link(env, urls.council_list_path())}">See every council</a>.</p>')


def start_order(protocol: Protocol) -> tuple:
    """Councils whose protocol in force is known in full first, then by name."""
    return (not protocol.default_version.complete, protocol.council.display_name.casefold())


def council_start_html(protocol: Protocol, href: str) -> str:
    version = protocol.default_version
    council = protocol.council
    words = " ".join(dict.fromkeys(x for x in (council.display_name, council.short_name, protocol.title) if x))
    steps = [("#contents", "See what it covers"), ("#" + version.sections[0].id, "Read the full text"),
             ("#acknowledge", "Acknowledge it")] if version.sections else [("#acknowledge", "Acknowledge it")]
    path = "".join(f'<li><a href="{href}{anchor}">{text}</a></li>' for anchor, text in steps)
    return (f'<li class="hb-start__council" data-hb-words="{escape(words.casefold())}">'
            f'<h3 class="hb-start__name"><a href="{href}">{escape(council.display_name)}</a></h3>'
            f'<p class="hb-start__what">{escape(protocol.title)}. {escape(summary_line(protocol, version))}</p>'
            f'<ol class="hb-start__path" aria-label="Steps for {escape(council.display_name)}">{path}</ol></li>')
