"""Search on the real handbook (the project's mkdocs.yml, built once by conftest's `built_site`):
clause-level results for the seed protocols, landing on the clause, earlier versions kept out by
default, and the whole page axe-clean with the results open."""
from __future__ import annotations

import gzip
import json
from itertools import pairwise
from urllib.parse import urlparse

import pytest

from handbook.diff import diff_versions
from handbook_site import urls
from tests.conftest import axe_violations



def search(page, query: str) -> list[str]:
    page.fill("#hb-search-input", query)
    page.wait_for_function(
        "q => /(found|Nothing found) for “/.test(document.getElementById('hb-search-status').textContent)"
        " && document.getElementById('hb-search-status').textContent.includes(q)", arg=query)
    return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => a.href)")


def clause_links(hrefs: list[str]) -> set[tuple[str, str]]:
    return {(urlparse(h).path, urlparse(h).fragment) for h in hrefs}


@pytest.mark.browser
def test_roving_commission_lists_both_clauses_and_opens_one(page, site_url):
    page.goto(site_url)
    hrefs = search(page, "roving commission")
    assert {("/councils/sedgemoor/", "c8-3"), ("/councils/wbc/", "c6-3")} <= clause_links(hrefs)
    page.click(".hb-search__result[href$='/councils/wbc/#c6-3']")
    page.wait_for_url("**/councils/wbc/#c6-3")
    page.wait_for_function("document.getElementById('c6-3').getBoundingClientRect().top < innerHeight")
    top = page.evaluate("document.getElementById('c6-3').getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]
    assert "6.3" in page.inner_text("[id='c6-3']")


@pytest.mark.browser
def test_clause_number_finds_the_clause(page, site_url):
    page.goto(site_url)
    assert ("/councils/sedgemoor/", "c8-3") in clause_links(search(page, "8.3"))


@pytest.mark.browser
def test_topic_name_finds_the_topic_page_and_its_clauses(page, site_url, library):
    sedgemoor = library.protocol("sedgemoor").in_force
    topic = library.topic(sedgemoor.clause("c8-3").topics[0])
    tagged = {c.id for c in sedgemoor.clauses() if topic.id in c.topics}
    page.goto(site_url)
    links = clause_links(search(page, topic.title))
    assert any(path == f"/topics/{topic.id}/" for path, _ in links)
    assert any(path == "/councils/sedgemoor/" and anchor in tagged for path, anchor in links)


@pytest.mark.browser
def test_result_text_is_the_clause_not_its_buttons(page, site_url):
    page.goto(site_url)
    search(page, "roving commission")
    text = page.inner_text(".hb-search__result[href$='/councils/sedgemoor/#c8-3']")
    assert "roving commission" in text
    assert "Copy citation" not in text and "Link to" not in text


def proposed_only_words(library) -> tuple[str, str]:
    """(version id, words) that only a proposed (not in force) version has."""
    for protocol in library.protocols:
        for old, new in pairwise(protocol.versions):
            if new.stage != "proposed":
                continue
            for change in diff_versions(protocol, old, new).changed:
                for run in change.words:
                    if run.kind == "insert" and len(run.text.split()) >= 4:
                        return new.id, " ".join(run.text.split()[:4])
    pytest.skip("no proposed version in the library")


@pytest.mark.browser
def test_proposed_wording_only_when_asked_for(page, site_url, library):
    version_id, words = proposed_only_words(library)
    page.goto(site_url)
    assert not [h for h in search(page, words) if version_id in h]
    page.check("#hb-search-earlier")
    page.wait_for_selector(f".hb-search__result[href*='/{version_id}/']")
    assert "proposed version" in page.locator(f".hb-search__result[href*='/{version_id}/']").first.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_with_results_open_is_axe_clean(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + "councils/south-ribble/")
        assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
        search(page, "roving commission")
        page.focus(".hb-search__result")  # the focused result's outline is checked too
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.browser
def test_keyboard_only_search_lands_on_the_clause(page, site_url):
    page.goto(site_url + "topics/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "hb-search-input"
    page.keyboard.type("roving commission")
    page.wait_for_function("document.getElementById('hb-search-status').textContent.includes('found for “roving commission”')")
    count = page.locator(".hb-search__result").count()
    for _ in range(count):  # down the list to the first of the two clauses
        page.keyboard.press("ArrowDown")
        target = page.evaluate("document.activeElement.href")
        if urlparse(target).fragment in {"c8-3", "c6-3"}:
            break
    assert urlparse(target).fragment in {"c8-3", "c6-3"}
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    fragment = urlparse(target).fragment
    page.wait_for_function(f"document.getElementById('{fragment}').getBoundingClientRect().top < innerHeight")


def indexed_pages(site, bundle: str = "pagefind") -> dict[str, dict]:
    """Pagefind's stored fragments (one per indexed page) in a bundle, by page URL."""
    pages = {}
    for path in (site / bundle / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
        fragment = json.loads(raw[raw.index("{"):])
        pages[fragment["url"]] = fragment
    return pages


def test_every_clause_in_force_is_a_search_target(built_site, library):
    pages = indexed_pages(built_site)
    for protocol in library.protocols:
        url = "/" + urls.url_of(urls.council_path(protocol))
        anchors = {a["id"] for a in pages[url]["anchors"]}
        missing = [c.id for c in protocol.default_version.clauses() if c.id not in anchors]
        assert not missing, f"{url}: clauses with no search anchor: {missing}"
        assert pages[url]["filters"]["version"] == ["current"]


def test_earlier_versions_are_indexed_as_earlier_in_their_own_bundle(built_site, library):
    """Searched only when the reader asks for earlier versions: search.js loads their bundle then."""
    pages = indexed_pages(built_site, "pagefind/earlier")
    current = indexed_pages(built_site)
    for protocol in library.protocols:
        for version in protocol.versions:
            if version is protocol.default_version:
                continue
            url = "/" + urls.url_of(urls.version_path(protocol, version))
            assert pages[url]["filters"]["version"] == ["earlier"], url
            assert url not in current, url


# --- Answering questions (issue 15) ------------------------------------------------------------

STOP_WORDS = {"a", "an", "and", "can", "the", "to", "of", "is", "i", "me", "my", "about"}


def results(page) -> list[dict]:
    return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => ({href: a.href, "
                                     "text: a.innerText, marks: Array.from(a.querySelectorAll('mark'), m => m.textContent)}))")


def target(href: str) -> str:
    url = urlparse(href)
    return url.path.strip("/") + ("#" + url.fragment if url.fragment else "")


@pytest.mark.browser
def test_stop_words_never_decide_a_ranking_or_light_up(page, site_url):
    page.goto(site_url)
    search(page, "can a councillor instruct an officer")
    found = results(page)
    marked = {m.strip(".,;:()").lower() for r in found for m in r["marks"]}
    assert marked and not marked & STOP_WORDS
    # Sedgemoor 5.1 ("Nor should any Member instruct an officer...") is the issue's example
    assert "councils/sedgemoor#c5-1" in [target(r["href"]) for r in found[:3]]
    for query in ["can the and of", "I can't and won't"]:  # contractions too
        search(page, query)
        assert results(page) == []
        assert "Nothing found" in page.inner_text("#hb-search-status")


@pytest.mark.browser
def test_a_readers_word_finds_the_clause_through_the_vocabulary_without_showing_it(page, site_url, library):
    clause = library.protocol("south-ribble").default_version.clause("c4-5")
    assert "lobbying" not in str(clause.content).lower()  # it says "undue pressure"
    page.goto(site_url)
    search(page, "lobbying")
    found = results(page)
    by_target = {target(r["href"]): r for r in found}
    assert "councils/south-ribble#c4-5" in by_target
    assert "lobbying" not in by_target["councils/south-ribble#c4-5"]["text"].lower()  # hidden words stay hidden
    assert "topics/instructions-and-pressure" in [target(r["href"]) for r in found[:3]]


@pytest.mark.browser
def test_english_endings_are_joined_but_prefixes_are_not_words(page, site_url):
    page.goto(site_url)
    search(page, "criticising officers")
    assert "councils/sedgemoor#c4-2" in [target(r["href"]) for r in results(page)]  # "should not criticise"
    search(page, "press releases")
    texts = " ".join(r["text"] for r in results(page)[:3]).lower()
    marks = {m.lower() for r in results(page) for m in r["marks"]}
    assert "press" in texts and not any(m.startswith("pressure") for m in marks)


def note_only_word(library) -> str:
    """A word of the transcribers' notes that no clause, title or heading uses."""
    import re
    from handbook.text import clause_text

    text = " ".join(clause_text(c) for p in library.protocols for v in p.versions for c in v.clauses())
    text += " ".join(f"{p.title} {p.subtitle} {s.title}" for p in library.protocols for v in p.versions for s in v.sections)
    used = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    notes = [n for p in library.protocols for n in p.editorial_notes]
    return next(w for n in notes for w in re.findall(r"[a-z]{7,}", n) if w not in used)


@pytest.mark.browser
def test_transcription_notes_and_document_control_are_never_results(page, site_url, library):
    page.goto(site_url)
    for query in [note_only_word(library), "a councillor is bullying me", "document control version"]:
        search(page, query)
        for r in results(page):
            assert urlparse(r["href"]).fragment not in {"transcription-notes", "document-control", "contents"}, (query, r)


@pytest.mark.browser
def test_opening_a_result_highlights_the_clause_marks_the_words_and_announces_it(page, site_url):
    page.goto(site_url)
    search(page, "undue pressure")
    page.click(".hb-search__result[href$='/councils/south-ribble/#c4-5']")
    page.wait_for_url("**/councils/south-ribble/#c4-5")
    page.wait_for_selector("[data-clause='c4-5'].hb-found")
    marks = page.eval_on_selector_all("[data-clause='c4-5'] mark.hb-found-word", "ms => ms.map(m => m.textContent)")
    assert {"undue", "pressure"} <= {m.lower() for m in marks}
    assert page.evaluate("document.activeElement.id") == "c4-5"  # a screen reader reads on from the clause
    assert "4.5" in page.inner_text("#hb-found-status") and page.get_attribute("#hb-found-status", "role") == "status"
    assert page.evaluate("getComputedStyle(document.querySelector(\"[data-clause='c4-5']\")).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert axe_violations(page) == []


@pytest.mark.browser
def test_the_readers_own_council_comes_first_when_equally_relevant(page, site_url):
    page.goto(site_url + "councils/wbc/")
    assert target(search(page, "roving commission")[0]) == "councils/wbc#c6-3"
    page.goto(site_url + "councils/sedgemoor/")
    assert target(search(page, "roving commission")[0]) == "councils/sedgemoor#c8-3"


@pytest.mark.browser
def test_the_glossary_answers_a_roles_name_only(page, site_url):
    page.goto(site_url)
    assert "glossary#monitoring-officer" in [target(h) for h in search(page, "monitoring officer")[:3]]
    assert not [h for h in search(page, "complaint about an officer") if "/glossary/" in h]


@pytest.mark.browser
def test_no_dead_end_a_misspelling_is_searched_as_the_word_and_says_so(page, site_url):
    page.goto(site_url)
    search(page, "Bulying by cllrs")
    # no page holds "bulying": the search is for "bullying", and the status and a note say so
    assert "Showing results for “bullying by cllrs”" in page.inner_text("#hb-search-status")
    assert "Nothing matched “bulying”: showing results for “bullying”" in page.inner_text(".hb-search__suggest")
    found = results(page)
    assert "councils/sedgemoor#c4-2" in [target(r["href"]) for r in found[:5]]  # "by abuse, bullying, harassment"
    assert "bullying" in {m.lower() for r in found for m in r["marks"]}
    # a word the index holds is never "corrected" ("ombudsman" is no vocabulary word)
    search(page, "ombudsman")
    assert "Showing results for" not in page.inner_text("#hb-search-status")
    assert [target(r["href"]) for r in results(page)] == ["councils/south-ribble#c19-4"]


@pytest.mark.browser
def test_an_american_spelling_finds_the_british_word_the_protocol_prints(page, site_url):
    page.goto(site_url)
    search(page, "criticize officers")
    found = results(page)
    assert "councils/sedgemoor#c4-2" in [target(r["href"]) for r in found]  # "should not criticise individual Officers"
    assert "criticise" in {m.lower().strip(".,;") for r in found for m in r["marks"]}  # the clause's own word, marked


@pytest.mark.browser
def test_new_readers_words_find_their_clauses(page, site_url, library):
    # the protocols say "disciplinary process", "Whistle Blowing", "campaigning activity", "enquiries"
    page.goto(site_url)
    for query, clause in [("sacked", "councils/south-ribble#c23-2"), ("whistleblower", "councils/south-ribble#c4-8"),
                          ("election leaflets", "councils/wbc#c5-1"), ("officer ignoring my emails", "councils/hailsham#c3-1")]:
        assert clause in [target(h) for h in search(page, query)], query


@pytest.mark.browser
def test_who_complains_about_whom_decides_which_clause_comes_first(page, site_url):
    # WBC 3.1: "Where a Councillor has a concern or cause for complaint about an Employee's performance";
    # WBC 3.2: "Where an Employee has cause for complaint against a Councillor". Same words, other way round.
    page.goto(site_url)
    for query, first, second in [("an officer complaining about a councillor", "councils/wbc#c3-2", "councils/wbc#c3-1"),
                                 ("a councillor complaining about an officer", "councils/wbc#c3-1", "councils/wbc#c3-2"),
                                 ("a councillor is complaining about me", "councils/wbc#c3-1", "councils/wbc#c3-2")]:
        found = [target(h) for h in search(page, query)]
        assert first in found[:5], (query, found)
        assert second not in found or found.index(first) < found.index(second), (query, found)


@pytest.mark.browser
def test_a_topic_matching_much_of_the_question_is_offered_second(page, site_url):
    # "late" is a readers' word of Instructions and undue pressure ("outside normal hours"), "ask"
    # and "work" are not: the topic holds under half the question's words, and is still offered second
    page.goto(site_url)
    assert target(search(page, "can a councillor ask me to work late")[1]) == "topics/instructions-and-pressure"


@pytest.mark.browser
def test_from_names_who_asks_whom(page, site_url):
    # Hailsham 3.1 "Councillors can expect from officers", 3.2 "Officers can expect from councillors"
    page.goto(site_url)
    for query, first, second in [("what can I expect from officers", "councils/hailsham#c3-1", "councils/hailsham#c3-2"),
                                 ("what can officers expect from me", "councils/hailsham#c3-2", "councils/hailsham#c3-1")]:
        found = [target(h) for h in search(page, query)]
        assert found[0] == first and (second not in found or found.index(second) > 1), (query, found)
    # South Ribble 20.1: "Members are entitled to all reasonable assistance from officers"
    assert target(search(page, "help from officers when I sit on an outside body")[0]) == "councils/south-ribble#c20-1"


@pytest.mark.browser
def test_a_member_of_staff_is_not_a_councillor(page, site_url):
    page.goto(site_url)
    search(page, "member of staff")
    found = results(page)
    assert found
    marked = {m.strip(".,;:()'").lower() for r in found for m in r["marks"]}
    assert "staff" in marked and not marked & {"member", "members"}, marked


@pytest.mark.browser
def test_each_protocols_own_word_for_an_officer_finds_the_others(page, site_url, library):
    clause = library.protocol("wbc").default_version.clause("c3-1")
    assert "officer" not in str(clause.content).lower()  # WBC says "Employee"
    page.goto(site_url)
    search(page, "officer line manager")
    excerpts = dict(page.eval_on_selector_all(".hb-search__result", "links => links.map(a => [a.href, "
                                              "a.querySelector('.hb-search__excerpt').textContent])"))
    by_target = {target(href): text for href, text in excerpts.items()}
    assert "councils/wbc#c3-1" in by_target
    assert "officer" not in by_target["councils/wbc#c3-1"].lower()  # found by a hidden word, not shown


@pytest.mark.browser
def test_readers_words_of_more_topics_find_their_clauses(page, site_url, library):
    # Sedgemoor 4.3 "any action which the Officer considers to be unlawful, illegal"; South Ribble 8.9
    # "persons who are not elected Members"; South Ribble 4.8 "raise personal matters to do with
    # their job"; Hailsham 1.1 "Responsibility for the operation of the Protocol"
    page.goto(site_url)
    for query, clause in [("a councillor wants me to break the law", "councils/sedgemoor#c4-3"),
                          ("party activists at group meetings", "councils/south-ribble#c8-9"),
                          ("officer wants a councillor to put in a good word for them", "councils/south-ribble#c4-8"),
                          ("who oversees the protocol", "councils/hailsham#c1-1")]:
        found = [target(h) for h in search(page, query)]
        assert clause in found, (query, found)
        text = str(library.protocol(clause.split("/")[1].split("#")[0]).default_version.clause(clause.split("#")[1]).content).lower()
        assert not any(w in text for w in ("break the law", "activists", "good word", "oversee"))  # found by hidden words


@pytest.mark.browser
def test_a_hyphenated_word_is_found_by_its_parts(page, site_url):
    # WBC 1.1: "Councillors (including any Co-opted Members)"
    page.goto(site_url)
    search(page, "co-opted members")
    found = results(page)
    assert target(found[0]["href"]) == "councils/wbc#c1-1", [target(r["href"]) for r in found]
    assert "co-opted" in {m.strip(".,;:()").lower() for m in found[0]["marks"]}


@pytest.mark.browser
def test_a_word_few_clauses_hold_outweighs_one_many_hold(page, site_url):
    # "information", "public" and "know" are in clauses of every council; South Ribble 9.8 ("If a
    # Member receives confidential information and considers it should be disclosed ... in the
    # public interest") holds the rarer "confidential" and "think"'s neighbours as well: rarity is
    # counted by clause, not only by page (WBC 6.2 came first when every word counted by page).
    page.goto(site_url)
    query = "what should a councillor do if they get confidential information and think the public should know"
    assert target(search(page, query)[0]) == "councils/south-ribble#c9-8"
