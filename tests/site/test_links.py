"""No broken internal links in the built site: every href/src resolves, every #fragment exists."""
from __future__ import annotations

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


