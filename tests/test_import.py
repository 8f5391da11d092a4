"""`handbook import` and `handbook fidelity`: each structure rule on a small fixture of invented
wording (tests/fixtures/import/, see its README), every seed document imported to a draft that
validates, and bad sources refused with one line, writing nothing."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from handbook.citation import citation
from handbook.cli import main
from handbook.importer import SourceError, import_protocol
from handbook.load import build_protocol, load_library
from conftest import FIXTURES, ROOT, SEEDS

IMPORT = FIXTURES / "import"
SOURCES = ROOT / "protocols" / "sources"
SEED_DIR = SOURCES if any(SOURCES.glob("*.txt")) else SEEDS
SEED_NAMES = ["000_f4d64345417acef9.txt", "001_1b4881397c3f2f46.txt", "002_b19e3cc23cbe5049.txt",
              "003_952ff177d28c433d.txt", "004_a9337296b387f2fb.txt"]
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "protocols")


@pytest.fixture(scope="module")
def numbered(library):
    return import_protocol([IMPORT / "numbered.txt"], "testshire", library, name="Testshire District Council",
                           council_type="district")


def clauses(data) -> dict:
    return {c["id"]: c for s in data["versions"][0]["sections"] for c in s["clauses"] if "id" in c}


def reasons(data) -> dict:
    return {o["text"]: o["reason"] for o in data["source"]["omitted"]}


# --- Structure rules (numbered.txt) ------------------------------------------------------------


def test_numbered_sections_and_clauses_keep_their_printed_numbers(numbered):
    sections = numbered.data["versions"][0]["sections"]
    assert [(s["id"], s["number"], s["title"]) for s in sections] == [
        ("s1", "1", "Introduction"), ("s2", "2", "Working together"), ("s3", "3", "Signature")]
    found = clauses(numbered.data)
    assert found["c1-1"]["number"] == "1.1"
    assert found["c1-1"]["content"] == ["This invented protocol guides members and officers of the fixture council."]


def test_text_cut_by_a_page_break_is_joined_and_flagged_with_its_line(numbered):
    clause = clauses(numbered.data)["c1-2"]
    assert clause["content"][0] == ("Members and officers respect each other's roles and avoid through the press "
                                    "any personal criticism of one another.")
    assert "title" not in clause
    assert clause["editorial_notes"] == ["For review (import, source line 22): the text runs on across a page "
                                         "break here; it is joined into one paragraph. Check nothing is lost at the break."]


def test_printed_notes_and_quotations_are_blocks_of_their_clause(numbered):
    found = clauses(numbered.data)
    assert found["c1-2"]["content"][1] == {"note": "NB Nothing in 1.2 stops a complaint to the Monitoring Officer."}
    assert found["c1-3"]["content"][1] == {
        "quote": "Members set direction; officers give impartial advice and carry out decisions."}


def test_a_number_that_jumps_or_repeats_is_kept_as_printed_and_flagged(numbered):
    found = clauses(numbered.data)
    assert found["c1-5"]["number"] == found["c1-5-2"]["number"] == "1.5"
    assert "the numbering jumps from 1.3 to 1.5" in found["c1-5"]["editorial_notes"][0]
    assert "printed twice" in found["c1-5-2"]["editorial_notes"][0]
    assert "source line 32" in found["c1-5-2"]["editorial_notes"][0]


def test_a_paragraph_printed_without_its_number_gets_the_implied_number_in_brackets(numbered):
    clause = clauses(numbered.data)["c2-2"]
    assert clause["number"] == "2.2" and clause["number_printed"] is False
    assert clause["content"] == ["Officers may be asked for advice in confidence, and give it in confidence."]
    assert "printed without its number, between 2.1 and 2.3" in clause["editorial_notes"][0]


def test_lettered_roman_and_numbered_lists_keep_their_printed_labels(numbered):
    found = clauses(numbered.data)
    lettered = found["c2-1"]["content"][1]["list"]
    assert lettered["style"] == "lettered"
    assert [(i["label"], i["text"]) for i in lettered["items"]] == [
        ("a)", "a commitment to the council as a whole;"), ("b)", "timely replies; and"), ("c)", "impartial advice.")]
    roman = found["c2-3"]["content"][1]["list"]
    assert roman["style"] == "roman" and [i["label"] for i in roman["items"]] == ["(i)", "(ii)", "(iii)"]
    numbered_list = found["c2-4"]["content"][1]["list"]
    assert numbered_list["style"] == "numbered" and [i["label"] for i in numbered_list["items"]] == ["1.", "2.", "1."]


def test_a_list_that_restarts_is_flagged(numbered):
    assert "the list restarts at 1. after 2." in clauses(numbered.data)["c2-4"]["editorial_notes"][0]


def test_nested_bullets_are_a_list_inside_their_item(numbered):
    items = clauses(numbered.data)["c2-5"]["content"][1]["list"]["items"]
    assert items[0] == {"text": "Be courteous.",
                        "content": [{"list": {"style": "bullet", "items": ["In meetings.", "In writing."]}}]}
    assert items[1] == "Be fair."


def test_a_lead_in_between_bullets_introduces_a_list_inside_the_item_before_it(numbered):
    content = clauses(numbered.data)["c2-8"]["content"]
    assert content == ["The fixture's groups agree:", {"list": {"style": "bullet", "items": [
        {"text": "All groups agree to train their members.",
         "content": ["This matters most for these invented committees:",
                     {"list": {"style": "bullet", "items": ["Planning", "Licensing"]}}]},
        "All groups agree to report attendance."]}}]


def test_a_sub_heading_and_an_unnumbered_paragraph_between_numbered_ones(numbered):
    section = numbered.data["versions"][0]["sections"][1]
    assert {"heading": "Budget advice"} in section["clauses"]
    alone = clauses(numbered.data)["c2-6-a"]
    assert alone["number"] is None
    assert alone["content"] == ["(This invented note stands apart from the numbered paragraphs.)"]
    assert "an unnumbered paragraph between numbered ones" in alone["editorial_notes"][0]


def test_a_table_keeps_its_columns_and_rows(numbered):
    clause = clauses(numbered.data)["c2-7"]
    assert clause["title"] == "Useful Descriptors"
    assert clause["content"] == [{"table": {"columns": ["Members", "Officers"], "rows": [["Lead", "Advise"]]}}]


def test_the_signature_block_keeps_its_statement_and_fields(numbered):
    signature = numbered.data["versions"][0]["signature"]
    assert signature == {"title": "Signature",
                         "statements": ["I have read this invented fixture protocol and agree to follow it."],
                         "fields": ["Signed", "Full Name", "Date"]}


def test_document_control_is_recorded_and_its_labels_omitted_with_reasons(numbered):
    version = numbered.data["versions"][0]
    assert version["document_control"]["published"] == "2021-03"
    assert version["document_control"]["owner"] == "Pat Example, Monitoring Officer"
    assert version["document_control"]["fields_printed_blank"] == ["Review Date"]
    assert (version["id"], version["label"], version["date"]) == ("2021-03", "March 2021", "2021-03")
    why = reasons(numbered.data)
    assert "document_control.owner" in why["Owner (Name/Position)"]


def test_page_furniture_is_omitted_with_its_reason(numbered):
    why = reasons(numbered.data)
    contents = next(text for text in why if text.startswith("Contents"))
    assert "page numbers are page furniture" in why[contents]
    assert "council.name" in why["TESTSHIRE DISTRICT COUNCIL"]
    assert numbered.data["title"] == "PROTOCOL FOR MEMBER/OFFICER RELATIONS (TEST FIXTURE, INVENTED WORDING)"


def test_topics_are_suggestions_and_answers_not_known(numbered, library):
    for clause in clauses(numbered.data).values():
        assert "topics" not in clause and clause["topics_suggested"]
        assert set(clause["topics_suggested"]) <= {t.id for t in library.topics}
    assert "budget-advice" in clauses(numbered.data)["c2-6"]["topics_suggested"]
    answers = numbered.data["versions"][0]["answers"]
    assert set(answers) == {q.id for q in library.questions} and set(answers.values()) == {"not-known"}


def test_the_draft_keeps_every_word_of_its_source(numbered):
    assert numbered.fidelity.coverage == 1.0 and numbered.fidelity.missing == ()


def test_prose_before_the_first_section_keeps_its_heading_and_a_cover_date_is_the_version_date(library):
    draft = import_protocol([IMPORT / "preamble.txt"], "testshire", library)
    version = draft.data["versions"][0]
    assert draft.data["title"] == "Invented Fixture Protocol for Member/Officer Relations"
    assert version["date"] == "2021-03-12"
    first = version["sections"][0]
    assert (first["id"], first["number"], first["title"]) == ("s-summary", None, "Summary")
    assert first["clauses"][0]["content"][0].startswith("This invented fixture summary explains")
    assert [s["id"] for s in version["sections"]] == ["s-summary", "s1"]
    assert draft.fidelity.coverage == 1.0


# --- Headed sections without numbers; web pages ---------------------------------------------------


def test_headed_sections_of_unnumbered_paragraphs(library):
    draft = import_protocol([IMPORT / "headed.txt"], "exampleshire", library, name="Exampleshire County Council")
    sections = draft.data["versions"][0]["sections"]
    assert [(s["id"], s["number"]) for s in sections] == [("s-introduction", None), ("s-lobbying", None)]
    assert [c["id"] for c in sections[1]["clauses"]] == ["c-lobbying-p1", "c-lobbying-p2"]
    protocol = build_protocol(draft.data)
    version = protocol.versions[0]
    assert citation(protocol, version, version.clause("c-lobbying-p2")).endswith(", Lobbying, paragraph 2")
    assert draft.fidelity.coverage == 1.0


def test_several_web_pages_in_order_with_their_addresses(library):
    pages = [IMPORT / "page-introduction.html", IMPORT / "page-lobbying.html"]
    draft = import_protocol(pages, "exampleshire", library)
    source = draft.data["source"]
    assert [p["url"] for p in source["pages"]] == ["https://www.exampleshire.example/protocol/introduction",
                                                   "https://www.exampleshire.example/protocol/lobbying"]
    assert [p["file"] for p in source["pages"]] == ["page-introduction.html", "page-lobbying.html"]
    assert [p["sections"] for p in source["pages"]] == [["s-introduction"], ["s-lobbying"]]
    why = reasons(draft.data)
    assert "Page last updated: 1 March 2024 (fixture)" in why and "navigation" in why["Introduction Lobbying"]
    lobbying = draft.data["versions"][0]["sections"][-1]
    roman = lobbying["clauses"][1]["content"][1]["list"]
    assert roman["style"] == "roman" and roman["items"][2]["label"] == "(iii)"
    assert draft.fidelity.coverage == 1.0


# --- PDF and Word, made by the kept generator -----------------------------------------------------


def test_a_pdf_with_page_numbers_running_headers_and_a_contents_page(library, tmp_path):
    from make_sources import make_pdf

    draft = import_protocol([make_pdf(IMPORT / "numbered.txt", tmp_path)], "testshire", library)
    why = reasons(draft.data)
    assert "Page 2 of 4" in why and why["Page 2 of 4"] == "Page number (page furniture)."
    running = "PROTOCOL FOR MEMBER/OFFICER RELATIONS (TEST FIXTURE, INVENTED WORDING)"
    assert "Running header" in why[running]
    assert any(text.startswith("Contents\n") for text in why)
    found = clauses(draft.data)
    assert found["c2-3"]["content"][1]["list"]["items"][0] == {"label": "(i)", "text": "change their advice;"}
    assert found["c2-7"]["content"] == [{"table": {"columns": ["Members", "Officers"], "rows": [["Lead", "Advise"]]}}]
    assert draft.data["versions"][0]["signature"]["fields"] == ["Signed", "Full Name", "Date"]
    # A note for review says where to look in the PDF: its page, not a line of extracted text.
    assert re.fullmatch(r"For review \(import, page [0-9]+\): the numbering jumps from 1.3 to 1.5;.*",
                        found["c1-5"]["editorial_notes"][0])
    assert draft.fidelity.coverage == 1.0


def test_a_word_document_with_numbered_paragraphs(library, tmp_path):
    from make_sources import make_docx

    draft = import_protocol([make_docx(IMPORT / "numbered.txt", tmp_path)], "testshire", library)
    found = clauses(draft.data)
    assert list(found)[:3] == ["c1-1", "c1-2", "c1-3"]
    assert found["c1-5-2"]["editorial_notes"][0].startswith("For review (import, paragraph ")
    assert found["c2-5"]["content"][1]["list"]["items"][0]["content"][0]["list"]["items"] == ["In meetings.", "In writing."]
    assert "Running header" in reasons(draft.data)[
        "PROTOCOL FOR MEMBER/OFFICER RELATIONS (TEST FIXTURE, INVENTED WORDING)"]
    assert draft.fidelity.coverage == 1.0


# --- Every seed ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed_name", SEED_NAMES)
def test_each_seed_imports_to_a_draft_that_validates(seed_name, tmp_path, capsys):
    seed = SEED_DIR / seed_name
    assert seed.exists(), f"the seed document {seed_name} is not in {SEED_DIR}"
    out = tmp_path / "draft-council.yaml"
    assert main(["import", str(seed), "--council", "draft-council", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}:" in printed and "review list:" in printed
    assert "fidelity: 100.00% of the source's" in printed, printed
    assert main(["validate", str(out)]) == 0
    assert "suggested topics nobody has confirmed" in capsys.readouterr().out


# --- The command line ------------------------------------------------------------------------------


def _pdf(tmp_path: Path, name: str, build) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    build(pdf)
    path = tmp_path / name
    pdf.output(str(path))
    return path


def _scanned(pdf) -> None:
    from PIL import Image

    image = Image.new("RGB", (200, 80), "white")
    pdf.image(image, x=10, y=10, w=100)


def _encrypted(pdf) -> None:
    pdf.set_encryption(owner_password="owner-fixture", user_password="user-fixture")
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "1. INTRODUCTION (invented fixture)")


BAD_SOURCES = {
    "empty.txt": (lambda tmp: (tmp / "empty.txt").write_bytes(b""), "the file is empty"),
    "binary.txt": (lambda tmp: (tmp / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
                   "this is a binary file, not text"),
    "not-a.pdf": (lambda tmp: (tmp / "not-a.pdf").write_text("1. INTRODUCTION\n1.1 Invented fixture text.\n"),
                  "not a readable PDF"),
    "not-a.docx": (lambda tmp: (tmp / "not-a.docx").write_text("Invented fixture text.\n"),
                   "not a Word .docx file"),
    "scanned.pdf": (lambda tmp: _pdf(tmp, "scanned.pdf", _scanned), "no text layer (a scanned image?)"),
    "encrypted.pdf": (lambda tmp: _pdf(tmp, "encrypted.pdf", _encrypted), "the PDF is encrypted"),
    "protocol.rtf": (lambda tmp: (tmp / "protocol.rtf").write_text("{\\rtf1 invented}"), "unsupported file type '.rtf'"),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_a_bad_source_gives_one_line_and_writes_nothing(name, tmp_path, capsys):
    make, expected = BAD_SOURCES[name]
    make(tmp_path)
    out = tmp_path / "protocols" / "testshire.yaml"
    out.parent.mkdir()
    assert main(["import", str(tmp_path / name), "--council", "testshire", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / name}: ") and expected in lines[0], lines
    assert "Traceback" not in captured.err and captured.out == ""
    assert list(out.parent.iterdir()) == []


def test_an_existing_protocol_file_is_not_replaced(tmp_path, capsys):
    out = tmp_path / "testshire.yaml"
    out.write_text("kept\n")
    assert main(["import", str(IMPORT / "numbered.txt"), "--council", "testshire", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_text() == "kept\n"


def test_fidelity_command_reports_the_figure_and_each_gap(tmp_path, capsys):
    protocols = tmp_path / "protocols"
    protocols.mkdir()
    for name in ("topics.yaml", "glossary.yaml", "vocabulary.yaml"):
        if (ROOT / "protocols" / name).exists():
            (protocols / name).write_text((ROOT / "protocols" / name).read_text())
    out = protocols / "testshire.yaml"
    assert main(["--root", str(protocols), "import", str(IMPORT / "numbered.txt"), "--council", "testshire"]) == 0
    capsys.readouterr()
    assert main(["--root", str(protocols), "fidelity", "testshire", str(IMPORT / "numbered.txt")]) == 0
    assert "fidelity: 100.00% of the source's" in capsys.readouterr().out
    data = yaml.safe_load(out.read_text())
    assert data["source"]["file"] == "numbered.txt"  # a file name, never a machine path
    out.write_text(out.read_text().replace("Budget discussions with officers are confidential in this invented fixture.",
                                           "Budget discussions are confidential.", 1))
    assert main(["--root", str(protocols), "fidelity", "testshire", str(IMPORT / "numbered.txt")]) == 1
    printed = capsys.readouterr().out
    assert "missing: with officers" in printed and "missing: in this invented fixture" in printed


def test_fidelity_without_the_source_says_where_it_looked(tmp_path, capsys):
    protocols = tmp_path / "protocols"
    protocols.mkdir()
    (protocols / "sedgemoor.yaml").write_text((ROOT / "protocols" / "sedgemoor.yaml").read_text())
    assert main(["--root", str(protocols), "fidelity", "sedgemoor"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: source document not found (") and str(protocols / "sources") in err
    assert "handbook fidelity sedgemoor SOURCE" in err


def test_import_rejects_a_bad_council_id_before_reading(library):
    with pytest.raises(SourceError, match="council id 'Test Shire' is not valid"):
        import_protocol([IMPORT / "numbered.txt"], "Test Shire", library)


def test_topic_suggestions_learn_from_other_councils_never_the_imported_one(library):
    """Re-importing a council must not echo its own tags back as 'suggestions' (and the benchmark's
    recall is leave-one-council-out for the same reason)."""
    from handbook.importer.topics import TopicSuggester

    own = sum(1 for v in library.protocol("sedgemoor").versions for c in v.clauses() if c.topics)
    assert own > 0
    assert len(TopicSuggester(library).tagged) - len(TopicSuggester(library, "sedgemoor").tagged) == own


def test_word_automatic_numbering_is_printed_so_it_is_kept(library, tmp_path):
    """Word prints the numbers of "List Number" paragraphs itself (they are not in the text):
    the reader works them out as Word does, so the draft keeps them as labels."""
    import docx

    document = docx.Document()
    document.add_paragraph("1. INTRODUCTION")
    document.add_paragraph("1.1 Members should not ask officers to (invented fixture wording):")
    for text in ("change their advice;", "act outside their remit; or", "attend party meetings."):
        document.add_paragraph(text, style="List Number")
    path = tmp_path / "numbered-automatically.docx"
    document.save(str(path))
    draft = import_protocol([path], "testshire", library)
    items = clauses(draft.data)["c1-1"]["content"][1]["list"]
    assert items["style"] == "numbered"
    assert [(i["label"], i["text"]) for i in items["items"]] == [
        ("1.", "change their advice;"), ("2.", "act outside their remit; or"), ("3.", "attend party meetings.")]
