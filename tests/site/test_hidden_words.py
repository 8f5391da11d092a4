"""The hidden reader's words on each clause (search.add_reader_words) are computed faster than they
were (issue 15: they were the largest part of a 400-council build), and must be exactly the words
they were: a reader finds the same clauses by the same words. These tests compare the fast code
with the plain code it replaced, over every version of every real protocol."""
from __future__ import annotations

import functools
import html
import re
from datetime import date

import pytest

from handbook import index_words, vocabulary
from handbook_site import search as search_plugin
from handbook_site.pages import protocol_markdown
from handbook_site.search import WORD


FAST_PATTERN = vocabulary._pattern


@functools.lru_cache
def plain_pattern(vocab, side: str) -> re.Pattern:
    """The vocabulary's regex as it was: one alternation of every phrase, longest first."""
    _, by_word = FAST_PATTERN(vocab, side)
    words = sorted(by_word, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(vocabulary._inflected(w) for w in words) + r")(?![\w-])",
                      re.IGNORECASE)


def plain_words_of(*texts: str) -> list[str]:
    """search.words_of as it was: every word lower-cased, then the distinct ones in order."""
    return list(dict.fromkeys(w.lower().replace("’", "'") for w in WORD.findall(" ".join(texts))))


def plain_add_reader_words(content: str, vocab) -> str:
    """search.add_reader_words as it was: the words of index_words(clause) split, lower-cased and
    stemmed clause by clause."""
    S = search_plugin
    headings = list(S.CLAUSE_HEADING.finditer(content))
    out, at = [], 0
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(content)
        text = html.unescape(S.TAG.sub(" ", heading.group(2) + " " + S.EDITORIAL_NOTE.sub(" ", S.clause_text(content, heading.end(), end))))
        own = {S.stem(w) for w in plain_words_of(text)}
        words = []
        for word in plain_words_of(*index_words(text, vocab)):
            if word not in S.STOP_WORDS and S.stem(word) not in own:
                own.add(S.stem(word))
                words.append(word)
        out.append(content[at:heading.end()])
        if words:
            out.append(f'<span hidden id="hbv-{heading.group(1)}" data-pagefind-weight="0.5">'
                       f'{html.escape(" ".join(words))}</span>')
        at = heading.end()
    out.append(content[at:])
    return "".join(out)


def every_page(library) -> list[str]:
    """Every version of every real protocol as its page's Markdown and HTML (the clause headings and
    text add_reader_words reads), once at the council's URL and once at the version's."""
    pages = []
    for protocol in library.protocols:
        for version in protocol.versions:
            path = f"councils/{protocol.id}/{version.id}/index.md"
            pages.append(protocol_markdown(library, protocol, version, path, "http://signoff", date(2026, 12, 1)))
    return pages


def vocabulary_in_every_form(vocab) -> str:
    """Every vocabulary phrase, in lower, title and upper case, bare and with each English ending,
    across line breaks, and inside and beside other words: text on which every phrase can match."""
    out = []
    for entry in vocab:
        for phrase in entry.protocol_words + entry.reader_words:
            for form in (phrase, phrase.title(), phrase.upper(), phrase.replace(" ", "\n")):
                out += [form, form + "s", form + "es", form + "ed", form + "ing", form[:-1] + "ing",
                        f"x{form}", f"{form}-led", f"({form}),"]
    return " ".join(out)


@pytest.mark.parametrize("side", ["protocol", "any"])
def test_the_vocabulary_regex_matches_what_the_plain_alternation_matched(library, side):
    fast, _ = vocabulary._pattern(library.vocabulary, side)
    plain = plain_pattern(library.vocabulary, side)
    assert fast.pattern != plain.pattern  # the test compares two regexes, not one with itself
    texts = every_page(library) + [vocabulary_in_every_form(library.vocabulary)]
    for text in texts:
        assert [(m.start(), m.group()) for m in fast.finditer(text)] == [(m.start(), m.group()) for m in plain.finditer(text)]
    assert sum(len(plain.findall(t)) for t in texts) > 5000  # it did match: the comparison means something


def test_words_of_gives_the_words_it_gave(library):
    for text in every_page(library) + [vocabulary_in_every_form(library.vocabulary), "Member MEMBER member’s Member's"]:
        assert search_plugin.words_of(text) == plain_words_of(text)


def test_hidden_words_on_every_real_page_are_the_words_of_the_plain_code(library, monkeypatch):
    pages = every_page(library)
    fast = [search_plugin.add_reader_words(page, library.vocabulary) for page in pages]
    monkeypatch.setattr(vocabulary, "_pattern", lambda vocab, side: (plain_pattern(vocab, side), FAST_PATTERN(vocab, side)[1]))
    plain = [plain_add_reader_words(page, library.vocabulary) for page in pages]
    assert fast == plain
    assert sum(page.count('<span hidden id="hbv-') for page in fast) > 150  # every real clause with a vocabulary word
