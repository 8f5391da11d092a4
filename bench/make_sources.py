"""Make a PDF and a Word document from a seed text, to test the importer on real formats.

- PDF (fpdf2): a cover page with the title, a contents page listing the sections with their page
  numbers, a running header on every page and "Page N of M" in the footer: the page furniture the
  importer must find and leave out. One column; paragraphs spaced as a word processor would.
- Word (python-docx): section headings in the Heading 1 style, numbered paragraphs with their
  numbers typed as printed ("4.2 ..."), bullets in the List Bullet style (nested: List Bullet 2),
  tables as Word tables, and a running header.

The words are the seed's: only the extraction's markup ("**", "#", "<u>") is not carried over,
and, in the PDF, punctuation outside Latin-1 (dashes, curly quotes, bullet glyphs) is printed as
its nearest ASCII form, because the PDF's standard fonts have no other glyphs; no word changes.

    .venv/bin/python bench/make_sources.py SEED.txt OUTDIR     # writes OUTDIR/<seed>.pdf and .docx
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handbook.importer.structure import clean  # noqa: E402  (the same markup rules the importer reads)

_SECTION = re.compile(r"^(?:Section\s+)?\d{1,2}(?:[.:]\s*|\s+)\S")
_ASCII = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...",
                        "❖": "-", "✓": "-", "•": "-", "☎": "Tel."})


def blocks(seed: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, int]]]:
    """([(kind, text)] before the first section, [(kind, text, depth)] after), kind heading |
    paragraph | bullet | row."""
    cover, body = [], []
    for number, raw in enumerate(seed.read_text(encoding="utf-8").splitlines(), 1):
        line = clean(raw, number, False)
        if line is None:
            continue
        if line.cells is not None:
            kind, text = "row", "\t".join(line.cells)
        elif line.bullet:
            kind, text = "bullet", line.text
        elif _SECTION.match(line.text) and not re.match(r"^\d+\.\d", line.text) and len(line.text.split()) <= 12:
            kind, text = "heading", line.text
        else:
            kind, text = "paragraph", line.text
        if kind != "heading" and not any(k == "heading" for k, *_ in body):
            cover.append((kind, text))
            continue
        body.append((kind, text, 1 if line.indent > 0 else 0))
    return cover, body


def make_pdf(seed: Path, outdir: Path) -> Path:
    from fpdf import FPDF

    cover, body = blocks(seed)
    texts = [text for kind, text in cover if kind != "row"]
    running = next((line for line in texts if "protocol" in line.lower()), texts[0] if texts else seed.stem)
    running = running.translate(_ASCII)[:80]

    class Document(FPDF):
        def header(self):
            if self.page_no() > 1:
                self.set_font("Helvetica", "I", 8)
                self.cell(0, 6, running, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Document(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    rows: list[list[str]] = []
    for kind, text in cover:
        if kind == "row":
            rows.append(text.translate(_ASCII).split("\t"))
            continue
        if rows:
            _pdf_table(pdf, rows)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, text.translate(_ASCII), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    if rows:
        _pdf_table(pdf, rows)
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents, pages=1)
    for kind, text, depth in body:
        text = text.translate(_ASCII)
        if kind != "row" and rows:
            _pdf_table(pdf, rows)
        if kind == "heading":
            pdf.set_font("Helvetica", "B", 12)
            pdf.start_section(text)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        elif kind == "bullet":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 6 + 6 * depth)
            pdf.multi_cell(0, 5, f"- {text}", new_x="LMARGIN", new_y="NEXT")
        elif kind == "row":
            rows.append(text.split("\t"))
            continue
        else:
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if rows:
        _pdf_table(pdf, rows)
    path = outdir / f"{seed.stem}.pdf"
    pdf.output(str(path))
    return path


def _pdf_table(pdf, rows: list[list[str]]) -> None:
    """A ruled table (as a word processor prints one), so the reader can find its cells."""
    width = max(len(r) for r in rows)
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(first_row_as_headings=False, line_height=4) as table:
        for row in rows:
            cells = table.row()
            for cell in row + [""] * (width - len(row)):
                cells.cell(cell.strip())
    pdf.ln(3)
    rows.clear()


def _contents(pdf, outline) -> None:
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    for section in outline:
        pdf.cell(0, 6, f"{section.name} {'.' * 8} {section.page_number}", new_x="LMARGIN", new_y="NEXT")


def make_docx(seed: Path, outdir: Path) -> Path:
    import docx

    cover, body = blocks(seed)
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    texts = [text for kind, text in cover if kind != "row"]
    header.text = next((line for line in texts if "protocol" in line.lower()), texts[0] if texts else seed.stem)
    rows: list[list[str]] = []

    def flush_table():
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            rows.clear()

    for kind, text in cover:
        if kind == "row":
            rows.append(text.split("\t"))
            continue
        flush_table()
        document.add_paragraph(text, style="Title")
    for kind, text, depth in body:
        if kind == "row":
            rows.append(text.split("\t"))
            continue
        flush_table()
        if kind == "heading":
            document.add_paragraph(text, style="Heading 1")
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet 2" if depth else "List Bullet")
        else:
            document.add_paragraph(text)
    flush_table()
    path = outdir / f"{seed.stem}.docx"
    document.save(str(path))
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_sources.py SEED.txt OUTDIR")
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for maker in (make_pdf, make_docx):
        print(maker(Path(sys.argv[1]), out))
