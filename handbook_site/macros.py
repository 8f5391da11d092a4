"""mkdocs-macros for the hand-written pages: small facts from the library, never typed by hand.

A page opts in with `render_macros: true`; a typo (unknown council, clause or macro) fails the
build (on_undefined: strict, on_error_fail: true) rather than rendering blank.
"""
from __future__ import annotations

from html import escape

from handbook.citation import citation
from handbook.model import Library
from handbook.render import block_html

from . import urls
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
    def council_links() -> str:
        """One link per council, to the version in force (for the home page)."""
        items = "".join(f'<li><a href="{_link(env, urls.council_path(p))}">'
                        f"{escape(p.council.name or p.title)}</a> ({escape(p.default_version.label)})</li>"
                        for p in _library(env).protocols)
        return f'<ul class="hb-council-links">{items}</ul>'
