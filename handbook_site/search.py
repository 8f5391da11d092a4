"""The handbook's search: a Pagefind index built over the finished site, and a header search box.

One mkdocs plugin (`handbook-search`), one job. It replaces mkdocs-material's built-in search,
whose index is one JSON file every reader downloads whole (8.5 MB at 400 councils, see
bench/build_scale.py); Pagefind splits its index into chunks, so a query fetches only what it
needs (about 220 KB, engine included).

- on_page_content: marks what Pagefind indexes: each page's content (not the navigation) wrapped
  in `data-pagefind-body`, with a `kind` (meta: "clauses" for protocol, version and redline pages,
  "page" for the rest) and a `version` filter: "earlier" for superseded and proposed versions
  (page.meta["handbook_version_status"]) and for redlines (page.meta["handbook_kind"], as they show
  old and proposed wording), "current" for every other page. The search box asks for
  "current" unless the reader ticks "include earlier versions", so old wording stays out of
  results by default. Each clause heading (an `<hN id="clause-id">`, rendered by the pages plugin)
  becomes a Pagefind sub-result, so results open at the clause. After each clause heading go the
  words for what the clause's title and text say (`handbook.index_words` over the search
  vocabulary: the readers' words and the other protocols'), one per stem, in a hidden span
  (`id="hbv-<clause>"`): indexed, so "councillor" finds a clause that says "Member" and "officer"
  one that says "Employee", but never shown (search.js leaves them out of excerpts and marks). A page whose front matter says
  `search: {exclude: true}` (mkdocs-material's convention), that duplicates another page
  (`handbook_duplicate_of`), or whose kind search.js offers from search-data.json instead (topic,
  comparison and glossary pages: `offered_kinds`) is not indexed.
- on_post_page: puts the search box into the page header (theme-independent: inserted HTML, no
  theme template override) with the page's relative path to the index, so the site works under
  any base path.
- on_post_build: runs the Pagefind binary from the `pagefind-bin` wheel over site_dir (above
  `index_part_pages` searchable pages, in parts merged into one bundle, so its memory stays bounded:
  pagefind_parts.py); the merge puts the "earlier" pages into a second bundle inside the first
  (`earlier/`), which search.js loads only when the reader ticks "include earlier versions", so
  every other search loads a page list and word index of the current pages only; then writes
  `search-data.json` beside the index: each topic (title, definition, its vocabulary's words), each
  comparison question and each glossary role, with their URLs (their words are also what spelling
  suggestions are drawn from), the words naming members, officers and the public (who does what to
  whom), and each bundle's page count (how rare a word is).
  search.js offers a topic page or a comparison question when a query matches its words, and a
  role's glossary entry when the query is the role's name.
"""
from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from handbook import default_root, entries_in, entry_index_words, load_library
from handbook.model import Library, VocabularyEntry

from . import pagefind_parts, urls

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_FILES = ("search.js", "search.css")
ASSET_URL_DIR = "assets/handbook-search"
EARLIER_BUNDLE = "earlier"  # the earlier versions' bundle: a folder inside the index's

# Where the search box goes: in the header's <nav> (mkdocs-material's `md-header__inner`),
# falling back to the start of <body> for any other theme.
HEADER_NAV = re.compile(r'(<nav class="md-header__inner[^"]*"[^>]*>)(.*?)(</nav>)', re.S)
BODY_OPEN = re.compile(r"<body[^>]*>")


class PagefindSearchConfig(Config):
    bundle_dir = c.Type(str, default="pagefind")  # the index's folder inside site_dir
    # version statuses whose pages are searchable only when the reader asks for earlier versions
    hidden_statuses = c.ListOfItems(c.Type(str), default=["superseded", "proposed", "withdrawn"])
    # page kinds searched only then too: a redline shows the old and the proposed wording
    hidden_kinds = c.ListOfItems(c.Type(str), default=["redline"])
    # CSS selectors of page furniture inside the content that is not worth finding (e.g. the
    # "Link"/"Copy citation" tools each clause carries); passed to Pagefind's --exclude-selectors
    exclude_selectors = c.ListOfItems(c.Type(str), default=[])
    # page kinds whose headings are clauses (search.js ranks them above other pages' sections)
    clause_kinds = c.ListOfItems(c.Type(str), default=["protocol", "version", "redline"])
    # page kinds not indexed: search.js offers them from search-data.json (topic pages when a
    # query matches a topic's words, comparison questions, a role's glossary entry); a topic's
    # question table ("questions") is offered as its questions; the side-by-side page and the
    # reviews quote clauses search lists on their own pages
    offered_kinds = c.ListOfItems(c.Type(str), default=["topic", "topic-list", "comparison", "questions",
                                                        "side-by-side", "review", "glossary"])
    timeout = c.Type(int, default=600)  # seconds the indexer may take before the build fails
    # Above this many searchable pages, Pagefind indexes them in parts of this many and the parts'
    # bundles are merged into one (pagefind_parts.py): Pagefind holds about 0.8 MB per council page
    # while indexing (460 MB at 400 councils), in parts about 90 MB whatever the site's size. The
    # bundle readers fetch is the same. 0: always one run.
    index_part_pages = c.Type(int, default=100)


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError) as e:
        raise PluginError(f"handbook-search: the Pagefind binary is missing (pip install 'pagefind-bin'): {e}") from e


def excluded(page_meta: dict) -> bool:
    """A page kept out of the index: its front matter says `search: {exclude: true}`, or it repeats
    another page (`handbook_duplicate_of`: the current version's point-in-time URL)."""
    search = page_meta.get("search")
    return (isinstance(search, dict) and bool(search.get("exclude"))) or bool(page_meta.get("handbook_duplicate_of"))


def version_group(page_meta: dict, hidden_statuses: list[str], hidden_kinds: list[str]) -> str:
    """The `version` filter value: "earlier" for superseded/proposed versions and the pages
    showing their wording (redlines), else "current"."""
    hidden = (page_meta.get("handbook_version_status") in hidden_statuses
              or page_meta.get("handbook_kind") in hidden_kinds)
    return "earlier" if hidden else "current"


NOTES = {"redline": "what changed", "superseded": "superseded version", "proposed": "proposed version",
         "withdrawn": "withdrawn version"}


def hidden_meta(key: str, value: str) -> str:
    return f'<span hidden data-pagefind-ignore data-pagefind-meta="{key}">{html.escape(value)}</span>'


def mark_for_index(content: str, title: str, group: str, note: str | None, kind: str = "page") -> str:
    """Wrap a page's content so Pagefind indexes it, with its title, kind ("clauses" or "page"),
    filter group and, for an earlier version, a note saying what kind of page it is."""
    meta = hidden_meta("title", title) + hidden_meta("kind", kind)
    if group == "earlier" and note:
        meta += hidden_meta("note", note)
    return f'<div data-pagefind-body data-pagefind-filter="version:{group}">{meta}{content}</div>'


# Words that never decide a ranking, light up in results or go into the hidden index words;
# search.js reads them from search-data.json.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can cannot could did do does doing down during each few for from further get gets got had has have
having he her here hers herself him himself his how i if in into is it its itself just let me might more
most my myself no nor not of off on once only or other ought our ours ourselves out over own same shall she
should so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom whose why will with would you your
yours yourself yourselves may must also etc someone something anyone anything ok please want
allowed okay supposed really stuff thing things whether able towards toward
don't doesn't didn't can't won't wouldn't shouldn't couldn't isn't aren't wasn't weren't haven't hasn't hadn't
mustn't needn't i'm i've i'd i'll they're we're you're
""".split())

CLAUSE_HEADING = re.compile(r'<h3 class="hb-clause__heading" id="([^"]+)"[^>]*>(.*?)</h3>', re.S)
CLAUSE_BODY = '<div class="hb-clause__body">'
DIV = re.compile(r"<(/?)div\b")
ANY_HEADING = re.compile(r"<h[1-6]\b")
EDITORIAL_NOTE = re.compile(r'<div class="admonition[^"]*hb-editorial[^"]*">.*?</div>', re.S)
TAG = re.compile(r"<[^>]+>")


def clause_text(content: str, start: int, end: int) -> str:
    """The HTML of the clause text that starts at `start` (after its heading), up to `end` at most:
    its body (handbook.render's `hb-clause__body`), without the topic chips and notes after it;
    without a body, up to the next heading. (Up to the next clause heading, as before, the last
    clause of a page took in the signature block and document details, and every clause the next
    section's heading and its topic chips' names.)"""
    body = content.find(CLAUSE_BODY, start, end)
    if body < 0:
        heading = ANY_HEADING.search(content, start, end)
        return content[start:heading.start() if heading else end]
    depth = 0
    for tag in DIV.finditer(content, body, end):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return content[body:tag.end()]
    return content[body:end]


def add_reader_words(content: str, vocabulary: tuple[VocabularyEntry, ...]) -> str:
    """After each clause heading, the reader's words for what the clause says (vocabulary entries
    whose protocol words its title and text use), hidden: index metadata that finds the clause,
    never shown as its text. (A clause's topics' reader words were tried as well: no better answers
    on the tuned questions, and more index to build and fetch.)"""
    if not vocabulary:
        return content
    headings = list(CLAUSE_HEADING.finditer(content))
    out, at = [], 0
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(content)
        text = html.unescape(TAG.sub(" ", heading.group(2) + " " + EDITORIAL_NOTE.sub(" ", clause_text(content, heading.end(), end))))
        # Single words, each once, and none the clause itself already says: search.js matches word
        # by word, and every hidden word costs the indexer memory (it was most of its growth).
        # One word per stem (search.js's and Pagefind's stemming join the others to it).
        own = {stem(w) for w in words_of(text)}
        words = []
        # The words of index_words(text, vocabulary), idea by idea, each idea's words split and
        # stemmed once a build (the same words in the same order: a word an earlier idea also has
        # was taken or refused there, and `own` only grows). Splitting and stemming them for every
        # clause was half the hidden words' cost (tests/site/test_hidden_words.py compares).
        for entry in entries_in(text, vocabulary):
            for word, key in indexable_words(entry):
                if key not in own:
                    own.add(key)
                    words.append(word)
        out.append(content[at:heading.end()])
        if words:
            out.append(f'<span hidden id="hbv-{heading.group(1)}" data-pagefind-weight="0.5">'
                       f'{html.escape(" ".join(words))}</span>')
        at = heading.end()
    out.append(content[at:])
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def indexable_words(entry: VocabularyEntry) -> tuple[tuple[str, str], ...]:
    """(word, stem) of each word `index_words` gives for the idea `entry`, but stop words, in order."""
    return tuple((word, stem(word)) for word in words_of(*entry_index_words(entry)) if word not in STOP_WORDS)


WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


EDGES = re.compile(r"^[\W_]+|[\W_]+$")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """search.js's `stem`, word for word: the forms it (and Pagefind's stemmer) take as one word.
    Remembered: a build stems every word of every clause, from a vocabulary of a few thousand
    (without it, 70% of the hidden words' cost, the largest part of a 400-council build)."""
    w = EDGES.sub("", word.lower().replace("’", "'").replace("‘", "'"))
    w = re.sub(r"'s$|s'$", "", w)
    if len(w) <= 3 or re.search(r"\d", w):
        return w
    if w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith(("ss", "us")):
        pass
    elif w.endswith("s"):
        w = w[:-1]
    w = re.sub(r"(isation|ization)$", "is", w)
    w = re.sub(r"(is|iz)(ing|ed|es|e)$", "is", w)
    for end, to in (("ied", "y"), ("ying", "y"), ("ingly", ""), ("edly", ""), ("ing", ""), ("ed", ""), ("ly", ""), ("e", "")):
        if w.endswith(end) and len(w) - len(end) >= 3:
            w = w[:-len(end)] + to
            break
    return w


def words_of(*texts: str) -> list[str]:
    """The distinct lower-case words of `texts`, in order (search.js matches query words to them).
    One pass over the texts joined by spaces (no word spans a space): a clause's hidden words come
    from hundreds of short phrases, and a pass per phrase was a fifth of a large build's search work."""
    # Each word as printed once before it is lower-cased: the same words in the same order (a
    # word's first form comes first either way), and a clause's words repeat (its hidden words:
    # a fifth of the search's build time went to lower-casing repeats).
    printed = dict.fromkeys(WORD.findall(" ".join(texts)))
    return list(dict.fromkeys(w.lower().replace("’", "'") for w in printed))


def by_stem(seen: set[str], *texts: str) -> list[str]:
    """The words of `texts` but stop words, one per stem (its longest form, so a word still being
    typed is a prefix of it) and none whose stem is in `seen`; their stems join `seen`."""
    longest: dict[str, str] = {}
    for word in words_of(*texts):
        key = stem(word)
        if word not in STOP_WORDS and key not in seen and len(word) > len(longest.get(key, "")):
            longest[key] = word
    seen.update(longest)
    return list(longest.values())


def search_data(library: Library) -> dict:
    """What search.js offers besides clauses: topic pages, comparison questions and glossary roles,
    each with the words a query is matched against and a URL relative to the site root; the words
    naming each side; the stop words."""
    topics, questions = [], []
    for index, topic in enumerate(library.topics):
        entries = [e for e in library.vocabulary if topic.id in e.topics]
        # Each tier one word per stem, none a higher tier has (search.js matches by stem and takes a
        # word's highest tier), no stop words: search-data.json 43.2 -> 37.2 KB on the real library.
        seen: set[str] = set()
        topics.append({"title": topic.title, "definition": topic.definition, "url": urls.url_of(urls.topic_path(topic.id)),
                       "title_words": by_stem(seen, topic.title),
                       "words": by_stem(seen, topic.definition, *(w for e in entries for w in e.protocol_words)),
                       "reader": by_stem(seen, *(w for e in entries for w in e.reader_words))})
        questions += [{"text": q.text, "topic": index, "words": words_of(q.text),
                       "url": urls.url_of(urls.question_table_path(topic.id))} for q in topic.questions]
    roles = [{"name": t.term, "names": list(t.names), "definition": t.definition,
              "url": urls.url_of(urls.glossary_path()) + f"#{t.id}"} for t in library.glossary]
    # The words naming each side (a member, an officer, a member of the public), lower case: search.js
    # reads who does what to whom from them.
    sides: dict[str, list[str]] = {}
    for entry in library.vocabulary:
        if entry.side:
            side = sides.setdefault(entry.side, [])
            side += [" ".join(WORD.findall(w.lower().replace("’", "'"))) for w in entry.protocol_words + entry.reader_words]
    # Spelling suggestions come from the words above (topics' titles and vocabulary, the sides, the
    # roles' names): search.js gathers them, rather than this file listing them a second time.
    return {"topics": topics, "questions": questions, "roles": roles, "sides": sides, "stop_words": sorted(STOP_WORDS)}


def search_box(bundle_url: str) -> str:
    """The header search form, disabled until search.js turns it live (Pagefind needs JavaScript)."""
    return (
        f'<div class="hb-search" data-hb-search data-pagefind-ignore="all" data-bundle="{html.escape(bundle_url)}">'
        '<form class="hb-search__form" role="search" action="#" aria-label="Search the handbook">'
        '<label class="hb-search__label" for="hb-search-input">Search the handbook</label>'
        '<input class="hb-search__input" id="hb-search-input" type="search" name="q" autocomplete="off"'
        ' spellcheck="false" placeholder="Search clauses" aria-describedby="hb-search-status"'
        ' aria-controls="hb-search-results" aria-keyshortcuts="/" disabled>'
        '</form>'
        '<div class="hb-search__panel" id="hb-search-results" hidden>'
        '<p class="hb-search__options"><input type="checkbox" id="hb-search-earlier">'
        '<label for="hb-search-earlier">Also search superseded and proposed versions</label></p>'
        '<p class="hb-search__status" id="hb-search-status" role="status"></p>'
        '<ol class="hb-search__list"></ol>'
        '<div class="hb-search__suggest"></div>'
        '</div></div>'
    )


def insert_search_box(output: str, box: str) -> str:
    header = HEADER_NAV.search(output)
    if header:
        # where the built-in search sits: before the repository link if there is one, else last
        source = header.group(2).find('<div class="md-header__source">')
        at = header.start(2) + source if source >= 0 else header.start(3)
        return output[:at] + box + output[at:]
    body = BODY_OPEN.search(output)
    if body is None:
        return output
    return output[:body.end()] + box + output[body.end():]


# Longest --glob we hand Pagefind; beyond it (thousands of pages) we let it read every page.
MAX_GLOB_LENGTH = 100_000


def index_glob(paths: list[str]) -> str | None:
    """A Pagefind --glob naming exactly the searchable pages, or None to read them all.

    Pagefind drops pages without data-pagefind-body anyway, but reads every HTML file to find out;
    the council pages' point-in-time duplicates are half of a large site, so naming the marked pages
    halves its work. None when a path could be read as glob syntax or the list is too long."""
    if not paths or any(set(p) & set("{}[]*?,!\\") for p in paths):
        return None
    glob = "{" + ",".join(sorted(paths)) + "}"
    return glob if len(glob) <= MAX_GLOB_LENGTH else None


class PagefindSearchPlugin(BasePlugin[PagefindSearchConfig]):
    marked_pages: list[str] = []
    marked: set[str] = set()
    library: Library | None = None
    runner: pagefind_parts.PartRunner | None = None  # the parts indexed while the build writes pages
    work: str | None = None  # their bundles' folder
    writing: str | None = None
    in_parts = True
    page_counts: list[int] = [0, 0]  # pages in the bundle searched by default, and in the earlier versions' one

    def on_pre_build(self, *, config) -> None:
        self.marked_pages = []  # `mkdocs serve` rebuilds with the same plugin instance
        self.marked = set()
        self.library = None
        self.stop_parts()
        self.writing = None  # the searchable page mkdocs is about to write
        self.in_parts = True  # indexing in parts is possible (every searchable path is glob-safe)

    def on_config(self, config):
        for name in ASSET_FILES:
            url = f"{ASSET_URL_DIR}/{name}"
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if url not in target:
                target.append(url)
        return config

    def on_files(self, files: Files, *, config) -> Files:
        for name in ASSET_FILES:
            files.append(File.generated(config, f"{ASSET_URL_DIR}/{name}", abs_src_path=str(ASSETS / name)))
        return files

    def library_for(self, config) -> Library:
        """The library the pages plugin loaded for this build, else (a site without it) the default one."""
        if self.library is None:
            pages = config.plugins.get("handbook-pages")
            self.library = getattr(pages, "library", None) or load_library(default_root())
        return self.library

    def offers(self, config) -> dict:
        """search-data.json's content; topics, questions and roles only when the site has their
        pages (the pages plugin makes them)."""
        data = search_data(self.library_for(config))
        if config.plugins.get("handbook-pages") is None:
            data.update(topics=[], questions=[], roles=[])
        return data

    def on_page_content(self, content: str, *, page, config, files) -> str:
        kind = page.meta.get("handbook_kind")
        if excluded(page.meta) or kind in self.config.offered_kinds:
            return content
        self.marked_pages.append(page.file.dest_uri)
        self.marked.add(page.file.dest_uri)
        group = version_group(page.meta, self.config.hidden_statuses, self.config.hidden_kinds)
        note = NOTES.get(kind) or NOTES.get(page.meta.get("handbook_version_status"))
        # mkdocs gives the title of a page's first heading as HTML text (an "&" is "&amp;"); the
        # index wants it as the reader reads it, escaped once by mark_for_index.
        title = html.unescape(page.title) if page.title else config.site_name
        return mark_for_index(content, title, group, note,
                              "clauses" if kind in self.config.clause_kinds else "page")

    def on_post_page(self, output: str, *, page, config) -> str:
        self.page_written(config)  # mkdocs wrote the page before this one
        bundle = get_relative_url(f"{self.config.bundle_dir}/", page.url)
        if page.file.dest_uri in self.marked:
            self.writing = page.file.dest_uri
            # here, not at conversion: the pages plugin puts a page's clauses in as it is written
            output = add_reader_words(output, self.library_for(config).vocabulary)
        return insert_search_box(output, search_box(bundle))

    def pagefind_command(self) -> list[str]:
        command = [str(pagefind_executable()), "--quiet"]
        for selector in self.config.exclude_selectors:
            command += ["--exclude-selectors", selector]
        return command

    def page_written(self, config) -> None:
        """The last searchable page is on disk: above `index_part_pages`, it joins the next part,
        which Pagefind indexes while mkdocs goes on writing pages."""
        page, self.writing = self.writing, None
        if page is None or not self.config.index_part_pages:
            return
        if index_glob([page]) is None:
            self.in_parts = False  # a path Pagefind would read as glob syntax: one run over the site
        if not self.in_parts:
            return
        if self.runner is None:
            self.work = tempfile.mkdtemp(prefix="handbook-pagefind-")
            self.runner = pagefind_parts.PartRunner(self.pagefind_command(), Path(config["site_dir"]), Path(self.work),
                                                    self.config.index_part_pages, self.config.timeout)
        try:
            self.runner.add(page)
        except pagefind_parts.MergeError as e:
            raise PluginError(f"handbook-search: Pagefind could not index '{config['site_dir']}': {e}") from e

    def on_build_error(self, *, error) -> None:
        self.stop_parts()

    def stop_parts(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    def on_post_build(self, *, config) -> None:
        site_dir = Path(config["site_dir"])
        self.page_written(config)
        if not self.marked_pages:
            # Pagefind would fall back to indexing every page whole, navigation and all.
            raise PluginError(f"handbook-search: no page of '{site_dir}' is searchable (every page's "
                              "front matter says search: exclude); refusing to index")
        try:
            if self.runner is not None and self.in_parts and len(self.marked_pages) > self.config.index_part_pages:
                self.index_in_parts(site_dir)
            else:
                self.stop_parts()
                self.index_whole(self.pagefind_command(), site_dir)
        finally:
            self.stop_parts()
        if not (site_dir / self.config.bundle_dir / "pagefind.js").exists():
            raise PluginError(f"handbook-search: Pagefind wrote no index to '{site_dir / self.config.bundle_dir}'")
        # How many pages each bundle holds (search.js weighs a word by how rare it is), and where the
        # earlier versions' bundle is, relative to this one.
        data = {**self.offers(config), "pages": self.page_counts[0],
                "earlier": {"bundle": f"{EARLIER_BUNDLE}/", "pages": self.page_counts[1]}}
        (site_dir / self.config.bundle_dir / "search-data.json").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        log.info("Pagefind search index built in %s", site_dir / self.config.bundle_dir)

    def earlier_split(self, site_dir: Path) -> pagefind_parts.Split:
        """Earlier versions and redlines go to a second bundle inside the first (search.js loads it
        only when the reader asks for earlier versions): the bundle every search loads holds the
        current pages only, with no version filter (at 4,000 councils a quarter of the page list
        and a 12 KB filter file less)."""
        return pagefind_parts.Split("version", "earlier", site_dir / self.config.bundle_dir / EARLIER_BUNDLE)

    def index_whole(self, command: list[str], site_dir: Path) -> None:
        """One Pagefind run over the marked pages, its bundle split into the site's two."""
        assert self.work is None
        self.work = tempfile.mkdtemp(prefix="handbook-pagefind-")
        bundle = Path(self.work) / "whole"
        command = command + ["--site", str(site_dir), "--output-path", str(bundle)]
        glob = index_glob(self.marked_pages)
        if glob:
            command += ["--glob", glob]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=self.config.timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PluginError(f"handbook-search: Pagefind could not index '{site_dir}': {e}") from e
        if result.returncode != 0:
            raise PluginError(f"handbook-search: Pagefind failed indexing '{site_dir}' "
                              f"(exit {result.returncode}):\n{(result.stderr or result.stdout).strip()}")
        if not (bundle / "pagefind-entry.json").exists():
            raise PluginError(f"handbook-search: Pagefind wrote no index for '{site_dir}'")
        try:
            self.page_counts = pagefind_parts.merge([bundle], site_dir / self.config.bundle_dir,
                                                    self.earlier_split(site_dir))
        except (OSError, pagefind_parts.MergeError) as e:
            raise PluginError(f"handbook-search: Pagefind could not index '{site_dir}': {e}") from e

    def index_in_parts(self, site_dir: Path) -> None:
        """The parts' bundles (pagefind_parts.py), the last part indexed now, merged into one: the
        indexer's memory stays that of one part however many councils the site holds."""
        assert self.runner is not None
        try:
            bundles = self.runner.finish()
            self.page_counts = pagefind_parts.merge(bundles, site_dir / self.config.bundle_dir,
                                                    self.earlier_split(site_dir))
        except (OSError, pagefind_parts.MergeError) as e:
            raise PluginError(f"handbook-search: Pagefind could not index '{site_dir}' in parts: {e}") from e
        log.info("Pagefind indexed %d pages in %d parts", sum(self.page_counts), len(bundles))
