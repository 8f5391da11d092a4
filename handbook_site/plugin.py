"""The `handbook-pages` mkdocs plugin: generates the handbook's pages from the protocol library.

It only handles build events and delegates to plain functions (pages.py, changes.py, topics.py,
glossary.py) that take library objects and return Markdown. Errors name the file that caused them.
"""
from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from handbook import InvalidLibrary, default_root, load_library
from handbook.model import Library

from . import fragments, urls
from .site_pages import generated_data, generated_pages

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent / "assets"
# Theme template overrides (the footer: owner, contact, accessibility statement), ahead of the
# theme's own templates but behind a site's custom_dir.
THEME_OVERRIDES = Path(__file__).resolve().parent / "theme"
ASSET_URL_DIR = "assets/handbook"
STYLESHEETS = ("handbook.css",)
SCRIPTS = ("handbook.js",)
PAGE_SCRIPTS = ("side-by-side.js",)  # loaded only by the page that needs it
SERVICE_WORKER = "sw.js"  # served from the site root, so its scope is the whole handbook


class HandbookPagesConfig(Config):
    protocols_dir = c.Optional(c.Type(str))  # default: the library's default_root() ($HANDBOOK_PROTOCOLS)
    signoff_url = c.Type(str, default="http://127.0.0.1:5000")
    # The service worker stores every council's page for offline reading on the first visit, up to
    # this many councils (5 protocols are about 0.7 MB; 400 would be 30 MB on a first visit, too
    # much for a tablet on a mobile connection); above it, pages are stored only as they are read.
    offline_precache_max = c.Type(int, default=40)


def load(protocols_dir: Path) -> Library:
    try:
        return load_library(protocols_dir)
    except InvalidLibrary as e:
        raise PluginError(f"handbook-pages: the protocol library in '{protocols_dir}' has problems:\n{e}") from e
    except OSError as e:
        raise PluginError(f"handbook-pages: cannot read the protocol library '{protocols_dir}': {e}") from e


class HandbookPagesPlugin(BasePlugin[HandbookPagesConfig]):
    library: Library | None = None
    stashed: dict[str, bytes]  # generated page's src_uri -> its HTML blocks, packed (see fragments.py)

    def on_pre_build(self, *, config) -> None:
        self.stashed = {}  # `mkdocs serve` rebuilds with the same plugin instance

    @property
    def protocols_dir(self) -> Path:
        return Path(self.config.protocols_dir) if self.config.protocols_dir else default_root()

    def on_config(self, config):
        if str(THEME_OVERRIDES) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_OVERRIDES))
        for name in STYLESHEETS:
            if f"{ASSET_URL_DIR}/{name}" not in config.extra_css:
                config.extra_css.append(f"{ASSET_URL_DIR}/{name}")
        for name in SCRIPTS:
            if f"{ASSET_URL_DIR}/{name}" not in config.extra_javascript:
                config.extra_javascript.append(f"{ASSET_URL_DIR}/{name}")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        # Loaded on every build, so `mkdocs serve` picks up an edited YAML file.
        self.library = load(self.protocols_dir)
        in_nav = set(nav_paths(config.nav or []))
        for path, content in generated_pages(self.library, self.config.signoff_url, date.today()):
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"handbook-pages: '{path}' is generated from the library; "
                                  f"remove the hand-written file of that name from docs/")
            content, blocks = fragments.stash(content)
            self.stashed[path] = fragments.pack(blocks)
            # Hundreds of council, version and topic pages are reached from their list pages,
            # not the nav; saying so keeps the build log free of an "omitted from nav" list.
            inclusion = InclusionLevel.UNDEFINED if path in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
        for path, content in generated_data(self.library):
            files.append(File.generated(config, path, content=content))
        for name in STYLESHEETS + SCRIPTS + PAGE_SCRIPTS:
            files.append(File.generated(config, f"{ASSET_URL_DIR}/{name}", abs_src_path=str(ASSETS / name)))
        files.append(File.generated(config, SERVICE_WORKER, abs_src_path=str(ASSETS / SERVICE_WORKER)))
        files.append(File.generated(config, "offline-pages.json",
                                    content=offline_manifest(self.library, self.config.offline_precache_max)))
        return files

    def on_post_page(self, output: str, *, page, config) -> str:
        # Restored as each page is written, not when it is converted (mkdocs converts them all
        # first), and popped: at 400 councils the blocks are 80 MB unpacked.
        output = fragments.restore(output, fragments.unpack(self.stashed.pop(page.file.src_uri, b"")))
        output = with_page_kind(output, page.meta.get("handbook_kind"), page.meta.get("handbook_version_status"))
        return with_print_address(output, (config.site_url or "") + page.url)

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.protocols_dir))
        return server


ARTICLE_OPEN = re.compile(r'<article class="md-content__inner[^"]*"[^>]*>')
HEAD_CLOSE = "</head>"


def with_page_kind(output: str, kind: str | None, standing: str | None = None) -> str:
    """Names the kind of page (home, protocol, version, redline, topic, ...) and, for a protocol
    version, its standing, in <meta> tags, so tests and tools can find every kind of page in the
    built site."""
    if not kind or HEAD_CLOSE not in output:
        return output
    tags = f'<meta name="handbook-page-kind" content="{escape(kind)}">'
    if standing:
        tags += f'<meta name="handbook-version-standing" content="{escape(str(standing))}">'
    return output.replace(HEAD_CLOSE, tags + HEAD_CLOSE, 1)


def with_print_address(output: str, address: str) -> str:
    """A line shown only on paper, giving the page's address (Chromium prints no URL in @page
    margin boxes). The site's configured address if it has one; handbook.js fills in the address
    the page was read at."""
    article = ARTICLE_OPEN.search(output)
    if article is None:
        return output
    line = f'<p class="hb-print-only">Printed from <span class="hb-print-url">{escape(address)}</span></p>'
    return output[:article.end()] + line + output[article.end():]


def nav_paths(nav) -> list[str]:
    """Every page path the mkdocs.yml nav names (nav entries are strings, lists or one-key dicts)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in nav_paths(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in nav_paths(item)]
    return []


def offline_manifest(library: Library, precache_max: int) -> str:
    """The pages the service worker stores for offline reading as soon as it is installed: the
    council list and every council's page (the version in force), relative to the site root;
    only the list when there are more than `precache_max` councils."""
    import json

    councils = [urls.url_of(urls.council_path(p)) for p in library.protocols]
    pages = [urls.url_of(urls.council_list_path())] + (councils if len(councils) <= precache_max else [])
    return json.dumps({"pages": pages}, indent=1)
