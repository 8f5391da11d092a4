"""Readers: a published protocol (text, PDF, Word, saved web pages) -> lines of text.

Every reader emits the same light convention the seed texts already use (text extracted from a
PDF as markdown): one paragraph per line, `#` before a heading, `- ` (indented for nesting)
before a bullet, `*...*` around a wholly italic paragraph, tab-separated cells for a table row, and
a blank line between blocks. So one structure finder reads them all. Page furniture a reader can
see (PDF page numbers, running headers and footers) is taken out here and reported as omitted.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """A source that cannot be imported: the message is one line a person can act on."""


@dataclass(frozen=True)
class Omission:
    text: str
    reason: str


@dataclass
class SourceText:
    path: str
    lines: list[str]
    omitted: list[Omission] = field(default_factory=list)
    url: str | None = None  # a saved web page's own address, where it records one
    title: str | None = None  # a web page's title
    parts: list[SourceText] = field(default_factory=list)  # the files read, when several
    places: list[str] | None = None  # where each line is, when "line N" would not find it ("page 3")

    def place(self, line: int) -> str:
        """Where 1-based `line` of the text is in the source, for a person with the source open."""
        if self.places and 0 < line <= len(self.places):
            return self.places[line - 1]
        return f"source line {line}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def read_source(path: str | Path) -> SourceText:
    """The text of one source document; SourceError (one line) when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        source = read_pdf(path)
    elif suffix == ".docx":
        source = read_docx(path)
    elif suffix in HTML_SUFFIXES:
        source = read_html(path)
    elif suffix in TEXT_SUFFIXES:
        source = read_text(path)
    else:
        raise SourceError(f"{path}: unsupported file type {suffix or '(none)'!r}; "
                          "expected .txt, .pdf, .docx or .html")
    if not any(line.strip() for line in source.lines):
        raise SourceError(f"{path}: no text found in the file")
    return source


def read_sources(paths: list[str | Path]) -> SourceText:
    """Several sources (e.g. one saved web page per section) read in order as one text."""
    sources = [read_source(p) for p in paths]
    if len(sources) == 1:
        return sources[0]
    lines: list[str] = []
    places: list[str] = []
    for source in sources:
        name = Path(source.path).name
        places += [f"{name}, {source.place(n)}" for n in range(1, len(source.lines) + 2)]
        lines += source.lines + [""]
    return SourceText(", ".join(s.path for s in sources), lines,
                      [o for s in sources for o in s.omitted], parts=sources, places=places)


# --- Plain text ------------------------------------------------------------------------------


def read_text(path: Path) -> SourceText:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise SourceError(f"{path}: this is a binary file, not text (is the extension right?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    return SourceText(str(path), text.splitlines())


# --- PDF ----------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s+(of|/)\s+\d{1,4})?$", re.I)
_CONTENTS_ENTRY = re.compile(r"^(.*?)(\s*\.{3,}\s*|\s+)(\d{1,4})$")


def read_pdf(path: Path) -> SourceText:
    """Text by pdfplumber, lines re-flowed into paragraphs by their spacing; page numbers,
    running headers/footers and a contents page are taken out and listed as omitted."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(path) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise SourceError(f"{path}: the PDF is encrypted; save an unprotected copy and import that") from None
    except (PDFSyntaxError, Exception) as error:  # pdfminer raises many kinds on a damaged file
        inner = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
        if isinstance(inner, PDFPasswordIncorrect) or type(inner).__name__.startswith("PDFEncrypt"):
            raise SourceError(f"{path}: the PDF is encrypted; save an unprotected copy and import that") from None
        raise SourceError(f"{path}: not a readable PDF ({type(error).__name__}); is it really a PDF?") from None
    if not any(text for page in pages for text, *_ in page):
        raise SourceError(f"{path}: the PDF has no text layer (a scanned image?); "
                          "run it through OCR or import a text version")
    omitted: list[Omission] = []
    pages = [_drop_page_numbers(page, omitted, index + 1) for index, page in enumerate(pages)]
    pages = _drop_running_lines(pages, omitted)
    numbered = _drop_contents_pages(list(enumerate(pages, 1)), omitted)
    lines: list[str] = []
    places: list[str] = []
    for number, page in numbered:
        text = _reflow(page) + [""]
        lines += text
        places += [f"page {number}"] * len(text)
    return SourceText(str(path), lines, omitted, places=places)


def _page_lines(page) -> list[tuple[str, float, float, float]]:
    """(text, top, x0, size) of each printed line on a page, top to bottom; a ruled table is one
    entry whose text is its rows, tab-separated (size -1 marks it)."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    out = []
    for table in tables:
        rows = ["\t".join(" ".join((cell or "").split()) for cell in row) for row in table.extract()]
        out.append(("\n".join(rows), table.bbox[1], table.bbox[0], -1.0))
    for line in page.extract_text_lines(return_chars=True, strip=True):
        if any(x0 - 1 <= line["x0"] and line["top"] >= top - 1 and line["bottom"] <= bottom + 1
               for x0, top, _, bottom in boxes):
            continue
        chars = line.get("chars") or []
        size = max((c.get("size", 0) for c in chars), default=0)
        bold = chars and all("Bold" in c.get("fontname", "") for c in chars if c["text"].strip())
        out.append((line["text"], line["top"], line["x0"], size + (0.01 if bold else 0)))
    return sorted(out, key=lambda line: line[1])


def _normal(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _drop_running_lines(pages, omitted):
    """A first or last line repeated (numbers aside) on most pages is a running header/footer."""
    if len(pages) < 3:
        return pages
    counts: Counter = Counter()
    for page in pages:
        edge = {_normal(page[0][0]), _normal(page[-1][0])} if page else set()
        counts.update(edge)
    running = {text for text, n in counts.items() if n >= max(2, len(pages) // 2)}
    out = []
    for page in pages:
        kept = []
        for i, line in enumerate(page):
            if i in (0, len(page) - 1) and _normal(line[0]) in running:
                _omit(omitted, line[0], "Running header or footer printed on every page (page furniture).")
            else:
                kept.append(line)
        out.append(kept)
    return out


def _drop_page_numbers(page, omitted, number: int):
    """A first or last line that is the page's number ("7", "Page 7", "7 of 20"): page furniture.
    (A bare number must be near the page's own: a cover page's "2018" is not a page number.)"""
    kept = []
    for i, line in enumerate(page):
        match = _PAGE_NUMBER.match(line[0].strip())
        digits = re.search(r"\d+", line[0])
        printed = int(digits.group()) if digits else -1
        if i in (0, len(page) - 1) and match and (match.group(1) or match.group(2) or abs(printed - number) <= 3):
            _omit(omitted, line[0], "Page number (page furniture).")
        else:
            kept.append(line)
    return kept


def _drop_contents_pages(pages, omitted):
    """A page headed 'Contents' whose lines end in page numbers is a contents table."""
    out = []
    for number, page in pages:
        texts = [t for t, *_ in page]
        if texts and texts[0].strip().lower() in ("contents", "table of contents") and \
                sum(bool(_CONTENTS_ENTRY.match(t)) for t in texts[1:]) >= max(1, (len(texts) - 1) // 2):
            _omit(omitted, "\n".join(texts), "Contents table: its entries repeat the section headings "
                  "and its page numbers are page furniture.")
            continue
        out.append((number, page))
    return out


def _omit(omitted: list[Omission], text: str, reason: str) -> None:
    if not any(o.text == text for o in omitted):
        omitted.append(Omission(text, reason))


def _reflow(page) -> list[str]:
    """Join a page's printed lines into paragraphs: a new paragraph where the gap above a line is
    wider than the page's usual line spacing, or the type size changes (a heading)."""
    if not page:
        return []
    text_lines = [line for line in page if line[3] >= 0]
    gaps = sorted(b[1] - a[1] for a, b in zip(text_lines, text_lines[1:], strict=False) if b[1] > a[1])
    usual = gaps[len(gaps) // 4] if gaps else 0
    margin = min((line[2] for line in text_lines), default=0)
    paragraphs: list[list] = []  # [first line, texts]
    for index, line in enumerate(page):
        previous = page[index - 1] if index else None
        spacing = min(usual * 1.3, previous[3] * 1.75) if previous is not None else 0
        new = (previous is None or line[3] < 0 or previous[3] < 0 or line[1] - previous[1] > spacing
               or abs(line[3] - previous[3]) > 0.005 or _starts_block(line[0]))
        if new:
            paragraphs.append([line, [line[0]]])
        else:
            paragraphs[-1][1].append(line[0])
    out = []
    for first, texts in paragraphs:
        if first[3] < 0:  # a table: its rows as printed
            out += first[0].split("\n") + [""]
            continue
        text = _join_lines(texts)
        indent = " " * round((first[2] - margin) / 12)  # nesting, as the seed texts show it
        out += [("## " + text) if _is_heading(first, text_lines) else indent + text, ""]
    return out


def _is_heading(line, page) -> bool:
    if not page:
        return False
    body = Counter(round(size, 2) for *_, size in page).most_common(1)[0][0]
    return line[3] > body + 0.5 or (line[3] != body and round(line[3] % 1, 2) == round((body + 0.01) % 1, 2))


_BLOCK_START = re.compile(r"^(\d+(\.\d+)+\.?\s|[-•❖*✓]\s|\(?[a-z]\)\s|\(?[ivx]+\)\s)")


def _starts_block(text: str) -> bool:
    return bool(_BLOCK_START.match(text.strip()))


def _join_lines(lines: list[str]) -> str:
    text = lines[0].strip()
    for line in lines[1:]:
        text = text[:-1] + line.strip() if text.endswith("-") and not text.endswith(" -") else f"{text} {line.strip()}"
    return text


# --- Word ---------------------------------------------------------------------------------------


def read_docx(path: Path) -> SourceText:
    """Paragraphs and tables in document order; heading styles become headings, list styles
    bullets (with Word's own numbering where the style numbers them)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        raise SourceError(f"{path}: not a Word .docx file (it is not a zip package); is the extension right?")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise SourceError(f"{path}: not a readable Word .docx file ({type(error).__name__})") from None
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    lines: list[str] = []
    places: list[str] = []
    paragraphs = tables = 0
    numbering = WordNumbering(document)
    for block in document.iter_inner_content():
        if isinstance(block, DocxParagraph):
            line = _docx_paragraph(block, numbering)
            if line is not None:
                paragraphs += 1
                lines += [line, ""]
                places += [f"paragraph {paragraphs}"] * 2
        elif isinstance(block, DocxTable):
            tables += 1
            for row_number, row in enumerate(block.rows, 1):
                lines.append("\t".join(cell.text.replace("\n", " ").strip() for cell in row.cells))
                places.append(f"table {tables}, row {row_number}")
            lines.append("")
            places.append(f"table {tables}")
    omitted: list[Omission] = []
    for section in document.sections:
        for part in (section.header, section.footer):
            text = " ".join(p.text.strip() for p in part.paragraphs if p.text.strip())
            if text:
                _omit(omitted, text, "Running header or footer of the Word document (page furniture).")
    return SourceText(str(path), lines, omitted, places=places)


def _docx_paragraph(paragraph, numbering: WordNumbering) -> str | None:
    text = paragraph.text.strip()
    if not text:
        return None
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    label, depth = numbering.label(paragraph)  # Word's own numbering is printed, so it is kept
    if label is not None:
        text = text if label == "-" and style.startswith("Heading") else f"{label} {text}"
    if style.startswith("Heading") or style == "Title":
        level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
        return "#" * min(level + 1, 6) + " " + text
    if style.startswith("List") and style.split()[-1].isdigit():  # "List Bullet 2": its own list, one level in
        depth = max(depth, int(style.split()[-1]) - 1)
    if label is not None:
        return "  " * depth + text
    if style.startswith("List"):
        depth = int(style.split()[-1]) - 1 if style.split()[-1].isdigit() else 0
        return "  " * depth + "- " + text
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(r.italic for r in runs):
        return f"*{text}*"
    return text


_ROMANS = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
           (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMANS:
        while n >= value:
            out, n = out + letters, n - value
    return out


class WordNumbering:
    """The numbers Word prints before automatically numbered paragraphs ("1.", "4.2", "(a)", "(iii)"),
    worked out as Word does: a counter per list and level, deeper levels restarting."""

    _W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> level -> (format, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        w = self._W
        abstract = {}
        for node in root.iter(f"{w}abstractNum"):
            levels = {}
            for level in node.iter(f"{w}lvl"):
                fmt, text, start = level.find(f"{w}numFmt"), level.find(f"{w}lvlText"), level.find(f"{w}start")
                levels[int(level.get(f"{w}ilvl"))] = (fmt.get(f"{w}val") if fmt is not None else "decimal",
                                                     text.get(f"{w}val") if text is not None else "",
                                                     int(start.get(f"{w}val")) if start is not None else 1)
            abstract[node.get(f"{w}abstractNumId")] = levels
        for node in root.iter(f"{w}num"):
            ref = node.find(f"{w}abstractNumId")
            if ref is not None and ref.get(f"{w}val") in abstract:
                self.levels[node.get(f"{w}numId")] = abstract[ref.get(f"{w}val")]

    def _numbering_of(self, paragraph) -> tuple[str, int] | None:
        w = self._W
        for element in [paragraph._p] + self._styles(paragraph):
            ppr = element.find(f"{w}pPr")
            num = ppr.find(f"{w}numPr") if ppr is not None else None
            if num is not None:
                num_id, level = num.find(f"{w}numId"), num.find(f"{w}ilvl")
                if num_id is not None:
                    return num_id.get(f"{w}val"), int(level.get(f"{w}val")) if level is not None else 0
        return None

    @staticmethod
    def _styles(paragraph) -> list:
        out, style = [], paragraph.style
        while style is not None:
            out.append(style.element)
            style = style.base_style
        return out

    def label(self, paragraph) -> tuple[str | None, int]:
        """(the printed label, or '-' for a bullet, or None; the level) of a paragraph."""
        found = self._numbering_of(paragraph)
        if found is None or found[0] not in self.levels or found[0] == "0":
            return None, 0
        num_id, level = found
        levels = self.levels[num_id]
        if level not in levels:
            return None, 0
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return "-", level
        counters = self.counters.setdefault(num_id, [levels.get(i, ("", "", 1))[2] - 1 for i in range(9)])
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = levels.get(deeper, ("", "", 1))[2] - 1
        label = text
        for index in range(level + 1):
            label = label.replace(f"%{index + 1}", self._format(levels.get(index, ("decimal", "", 1))[0],
                                                                 counters[index]))
        return label or None, level

    @staticmethod
    def _format(fmt: str, n: int) -> str:
        if fmt == "lowerLetter":
            return chr(ord("a") + (n - 1) % 26)
        if fmt == "upperLetter":
            return chr(ord("A") + (n - 1) % 26)
        if fmt == "lowerRoman":
            return _roman(n)
        if fmt == "upperRoman":
            return _roman(n).upper()
        return str(n)


# --- HTML ----------------------------------------------------------------------------------------

_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template")


def read_html(path: Path) -> SourceText:
    """The page's main text: navigation, header, footer and scripts are page furniture."""
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise SourceError(f"{path}: this is a binary file, not a web page (is the extension right?)")
    soup = BeautifulSoup(data, "lxml")
    if soup.find(["html", "body", "p", "div", "h1", "h2"]) is None:
        raise SourceError(f"{path}: no HTML found in the file")
    omitted: list[Omission] = []
    for tag in soup.find_all(_FURNITURE_TAGS):
        text = " ".join(tag.get_text(" ").split())
        if text and tag.name not in ("script", "style", "noscript", "template"):
            _omit(omitted, text, f"Web page {tag.name} (site navigation and furniture, not the protocol).")
        tag.decompose()
    canonical = soup.find("link", rel="canonical") or soup.find("meta", property="og:url")
    url = str(canonical.get("href") or canonical.get("content") or "") or None if canonical is not None else None
    title = " ".join(soup.title.get_text().split()) if soup.title else None
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    _html_blocks(root, lines, depth=0)
    return SourceText(str(path), lines, omitted, url=url if url and url.startswith("http") else None,
                      title=title or None)


def _text(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _html_blocks(node, lines: list[str], depth: int) -> None:
    for child in node.children:
        name = getattr(child, "name", None)
        if name is None:
            text = " ".join(str(child).split())
            if text and node.name in ("div", "section", "article", "main", "body"):
                lines += [text, ""]
            continue
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            lines += ["#" * int(name[1]) + " " + _text(child), ""]
        elif name == "p":
            text = _text(child)
            if text:
                emphasised = [t for t in child.find_all(["em", "i"])]
                whole = emphasised and " ".join(_text(t) for t in emphasised) == text
                lines += [f"*{text}*" if whole else text, ""]
        elif name == "blockquote":
            for p in child.find_all("p") or [child]:
                lines += [f"*{_text(p)}*", ""]
        elif name in ("ul", "ol"):
            _html_list(child, lines, depth)
            lines.append("")
        elif name == "table":
            for row in child.find_all("tr"):
                lines.append("\t".join(_text(c) for c in row.find_all(["th", "td"])))
            lines.append("")
        elif name in ("div", "section", "article", "main", "body", "span"):
            _html_blocks(child, lines, depth)
        elif name == "br":
            continue
        else:
            text = _text(child)
            if text:
                lines += [text, ""]


def _html_list(tag, lines: list[str], depth: int) -> None:
    for item in tag.find_all("li", recursive=False):
        nested = item.find_all(["ul", "ol"], recursive=False)
        for inner in nested:
            inner.extract()
        lines.append("  " * depth + "- " + _text(item))
        for inner in nested:
            _html_list(inner, lines, depth + 1)
