"""No broken internal links in the built site: every href/src resolves, every #fragment exists."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("canonical",)):
                self.links.append(attrs[name])


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def target_file(site: Path, url_path: str) -> Path:
    path = site / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def test_no_broken_internal_links(built_site):
    check_links(built_site)


def check_links(built_site: Path) -> None:
    pages = {p: parse(p) for p in built_site.rglob("*.html")}
    assert len(pages) > 10
    broken = []
    for page, parsed in pages.items():
        base = "http://site/" + page.relative_to(built_site).as_posix()
        for link in parsed.links:
            url = urlparse(urljoin(base, link))
            if url.scheme in ("mailto", "tel", "data") or url.netloc != "site":
                continue
            target = target_file(built_site, url.path)
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {link} (no {target.relative_to(built_site)})")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_site)}: {link} (no #{url.fragment})")
    assert broken == []




@contextlib.contextmanager
def serve_directory(directory: Path):
    """A built site served over HTTP on a free port, for the length of a with-block: its root URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


