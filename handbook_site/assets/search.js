// Handbook search: the header search box over the Pagefind index (built by handbook_site/search.py).
//
// Pagefind finds the pages holding each word; this script ranks the clauses (and the topic pages,
// comparison questions and glossary roles described in search-data.json) that answer the question:
// - the query's stop words and single letters are dropped: they never decide a ranking or light up;
// - each remaining word is looked up on its own (Pagefind ANDs the words of one query, so a long
//   question would find nothing), and a clause scores by the distinct words it holds, each weighted
//   by how rare it is (a word repeated many times adds little);
// - a word Pagefind matched only as a prefix ("press" in "pressure") does not count, except for the
//   word still being typed; English endings are joined ("criticising" / "criticise");
// - every word for a clause's ideas (protocols/vocabulary.yaml: the readers' and the other
//   protocols') is hidden in the clause (search.py): it finds the clause, counts about half of the
//   clause's own words and is never shown or marked;
// - who does what to whom: a clause naming members and officers the question's way round ranks
//   above one naming them the other way round (see "Who does what to whom" below);
// - a long clause holding the question's words close together (one item of a list) is not
//   penalised for its length; the question's words side by side, in order, count a little more;
// - clauses of the council whose pages the reader is on come first when equally relevant;
// - with no or weak results, the closest topics and spellings are suggested.
// Opening a result highlights the clause on its page, marks the searched words in it and announces it.
// Keyboard: "/" focuses the box; Down/Up move between the box and the results; Enter on the box
// opens the first result; Escape closes the results and returns to the box.
(() => {
  "use strict";
  const MAX_RESULTS = 10;
  const FIRST_PAGES = 3;         // pages loaded before the first results show
  const MAX_PAGES = 8;           // pages whose clauses are ranked per query
  const DEBOUNCE_MS = 80;
  const HIDDEN_WEIGHT = 0.55;    // a hidden vocabulary word counts about half the clause's own words
  const TITLE_WEIGHT = 1.2;      // a word of the clause's own title ("Officers can expect from councillors")
  const OWN_COUNCIL = 1.08;      // the reader's own council, when otherwise about equal
  const OTHER_PAGE = 0.35;       // a section of a page that is not a protocol (home, about, ...)
  const PAIR = 0.1;              // each pair of the question's words found side by side, in order
  const SAME_WAY = 1.2;          // a clause naming the people the question's way round ("an officer ... about a councillor")
  const OTHER_WAY = 0.75;        // ... and the other way round ("a councillor ... about an officer")
  const PREFIX_ONLY = 0.6;       // the word still being typed, found only as the start of a longer word ("late" in "latest")
  const CLAUSE_RARITY = 0.5;     // how much a word's rarity among clauses (not pages) decides its weight
  const TOPIC_SECOND = 0.4;      // the best topic goes second when its words hold this share of the question's
  const LANDING_KEY = "hb-search-landing";

  // Words that never decide a ranking or light up: search-data.json's list (search.py's STOP_WORDS).
  let STOP_WORDS = new Set();

  // --- Words --------------------------------------------------------------------------------

  const CLAUSE_NUMBER = /^\(?\d+[a-z]?(?:\.\d+[a-z]?)+\)?\.?$/i;

  function normal(word) {
    return word.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
      .replace(/'s$|s'$/, "");
  }

  // A light English stemmer, enough to join a word's common endings; Pagefind's own (Snowball)
  // stemming decides what is found, this only decides whether a found word really is the word.
  function stem(word) {
    let w = normal(word);
    if (w.length <= 3 || /\d/.test(w)) return w;
    if (/ies$/.test(w)) w = w.slice(0, -3) + "y";
    else if (/(ss|us)$/.test(w)) { /* keep: "press", "status" */ }
    else if (/s$/.test(w)) w = w.slice(0, -1);
    w = w.replace(/(isation|ization)$/, "is").replace(/(is|iz)(ing|ed|es|e)$/, "is");
    for (const [end, to] of [["ied", "y"], ["ying", "y"], ["ingly", ""], ["edly", ""], ["ing", ""], ["ed", ""], ["ly", ""], ["e", ""]]) {
      if (w.endsWith(end) && w.length - end.length >= 3) { w = w.slice(0, -end.length) + to; break; }
    }
    return w;
  }

  // Does `word` (from the page) count as `term` (from the query)? The same stem, or stems one
  // letter apart ("complain" / "complaint"); any word starting with it for the word still being typed.
  function matches(word, term) {
    const w = normal(word);
    if (!w) return false;
    if (term.prefix && w.startsWith(term.text)) return true;
    if (whole(w, term)) return true;
    // A hyphenated word ("Co-opted", "e-mails", "non-members") is each of its parts and the parts
    // joined: the query's words are split at hyphens, so "co-opted members" asks for "co" and "opted".
    return w.includes("-") && (w.split(/-+/).some((part) => part && whole(part, term)) || whole(w.replace(/-/g, ""), term));
  }

  // The same, the word being typed aside: `w` (normalised) is the term's word, not only its start.
  function whole(w, term) {
    if (w === term.text) return true;
    const s = stem(w);
    if (s === term.stem) return true;
    const [short, long] = s.length < term.stem.length ? [s, term.stem] : [term.stem, s];
    return short.length >= 4 && long.startsWith(short) && long.length - short.length <= 1;
  }

  // The query's meaningful words, each once: no stop words, no single letters; clause numbers kept whole.
  function queryTerms(query) {
    const typing = !/\s$/.test(query);
    const tokens = query.trim().split(/\s+/).flatMap((token) =>
      CLAUSE_NUMBER.test(token) ? [token.replace(/^\(|[).]+$/g, "")] : token.split(/[^\p{L}\p{N}']+/u));
    const terms = [];
    const seen = new Set();
    // In "member of staff" or "member of the public", "member" is not a councillor: a word of a
    // phrase naming people that on its own names another side is left out.
    const normals = tokens.map(normal);
    const other = new Set();
    for (const p of people(normals, true)) {
      for (let k = p.at; k < p.end; k++) {
        const alone = PEOPLE.single.get(stem(normals[k]));
        if (p.end - p.at > 1 && alone && alone !== p.side) other.add(k);
      }
    }
    tokens.forEach((token, i) => {
      const text = normals[i];
      if (!text || other.has(i) || STOP_WORDS.has(text) || (text.length < 2 && !/\d/.test(text))) return;
      const s = stem(text);
      if (seen.has(s)) return;
      seen.add(s);
      terms.push({ text, stem: s, prefix: typing && i === tokens.length - 1 && text.length >= 3, person: PEOPLE.single.has(s) });
    });
    return terms;
  }

  // American spellings of the British words the protocols print ("behavior", "criticize",
  // "favoritism", "judgment"): searched as the British word when search-data.json's words know it,
  // so the clause's own word counts in full. (Pagefind's stemmer keeps "criticize" and "criticise" apart.)
  const RESPELL = [[/iz(e|es|ed|ing|ation|ations)$/, "is$1"], [/yz(e|es|ed|ing)$/, "ys$1"],
    [/or(s|ed|ing|ite|ites|itism|able)?$/, "our$1"], [/ense$/, "ence"], [/er$/, "re"],
    [/program(s?)$/, "programme$1"], [/judgment(s?)$/, "judgement$1"], [/el(ed|ing)$/, "ell$1"]];

  function british(term, known) {
    for (const [from, to] of RESPELL) {
      const text = term.text.replace(from, to);
      if (text !== term.text && known.has(text)) return { ...term, text, stem: stem(text) };
    }
    return term;
  }

  // --- Who does what to whom ---------------------------------------------------------------------
  // "An officer complaining about a councillor" and "a councillor complaining about an officer"
  // share every word; the order in which a text names the two sides (search-data.json's `sides`:
  // the vocabulary's words for members, officers and the public) tells them apart. Two sides joined
  // by "and" ("members and officers") go no particular way. A question naming one side and "I" or
  // "me" puts the reader on the other ("a councillor is bullying me"); one side after "about",
  // "against", "at", "on" or a verb in -ing ("complaint about an officer", "criticising officers")
  // is the one acted on, and after "from" or "by" it is not the question's subject either
  // ("help from officers when I ..."): see queryWay.

  const PEOPLE = { phrases: new Map(), single: new Map() };
  const JOINS = new Set(["and", "or", "nor", "&", "/"]);
  const READER = new Set(["i", "me", "my", "myself"]);
  const TOWARDS = new Set(["about", "against", "regarding", "concerning", "towards", "toward", "on", "at"]);
  const FROM = new Set(["from", "by"]);
  const ARTICLES = new Set(["a", "an", "the", "any", "my", "our", "their", "his", "her", "its", "other", "another", "individual"]);
  const OTHER_SIDE = { member: "officer", officer: "member" };

  function loadSides(sides) {
    PEOPLE.phrases.clear();
    PEOPLE.single.clear();
    for (const [side, phrases] of Object.entries(sides || {})) {
      for (const phrase of phrases) {
        const words = phrase.split(" ").map(normal).filter(Boolean);
        if (!words.length) continue;
        if (!PEOPLE.phrases.has(words[0])) PEOPLE.phrases.set(words[0], []);
        PEOPLE.phrases.get(words[0]).push([words, side]);
        if (words.length === 1) PEOPLE.single.set(stem(words[0]), side);
      }
    }
    for (const list of PEOPLE.phrases.values()) list.sort((a, b) => b[0].length - a[0].length);
  }

  // The people `tokens` (normalised words) name, in order: {at, end, side}; members and officers
  // only unless `all` (the public too).
  function people(tokens, all = false) {
    const out = [];
    for (let i = 0; i < tokens.length;) {
      let found = (PEOPLE.phrases.get(tokens[i]) || []).find(([words]) => words.every((w, k) => tokens[i + k] === w));
      if (!found && PEOPLE.single.has(stem(tokens[i]))) found = [[tokens[i]], PEOPLE.single.get(stem(tokens[i]))];
      if (found) { out.push({ at: i, end: i + found[0].length, side: found[1] }); i += found[0].length; } else i++;
    }
    return all ? out : out.filter((p) => p.side in OTHER_SIDE);
  }

  // The word before the words naming a side, articles aside ("about" in "about an officer").
  function wordBefore(tokens, p) {
    let before = p.at - 1;
    while (before >= 0 && ARTICLES.has(tokens[before])) before--;
    return before >= 0 ? tokens[before] : "";
  }

  // The first two sides a text names, in order, or null: none, one, or joined.
  function pair(raw, tokens, found) {
    for (let k = 0; k + 1 < found.length; k++) {
      const [a, b] = [found[k], found[k + 1]];
      if (a.side === b.side) continue;
      const between = tokens.slice(a.end, b.at);
      if (between.length <= 3 && between.some((w) => JOINS.has(w))) return null;
      if (between.length > 25 || raw.slice(a.end - 1, b.at).some((w) => /[.;:!?]$/.test(w))) return null;
      return [a, b];
    }
    return null;
  }

  // A clause's way: the side it names first is its subject ("Where a Member has a concern about
  // an officer", "Members are entitled to all reasonable assistance from officers").
  function textWay(raw) {
    const tokens = raw.map(normal);
    const found = pair(raw, tokens, people(tokens));
    return found ? `${found[0].side}>${found[1].side}` : null;
  }

  // A question's way, in the same terms: its subject first. A side (or "I"/"me") after "about",
  // "against", "from", "by", a verb in -ing and the like is not the subject when the other is not:
  // "help from officers when I sit on an outside body" and "what can I expect from officers" are
  // a councillor's questions (member>officer), "what can officers expect from me" an officer's,
  // "a councillor bullied by an officer" the councillor's.
  function queryWay(query) {
    const raw = query.trim().split(/\s+/);
    const tokens = raw.map(normal);
    const oblique = (p) => {
      const w = wordBefore(tokens, p);
      return FROM.has(w) || TOWARDS.has(w) || (/ing$/.test(w) && !STOP_WORDS.has(w));
    };
    const found = people(tokens);
    const two = pair(raw, tokens, found);
    if (two) {
      const [a, b] = oblique(two[0]) && !oblique(two[1]) ? [two[1], two[0]] : two;
      return `${a.side}>${b.side}`;
    }
    if (!found.length || found.some((p) => p.side !== found[0].side)) return null;
    const side = found[0].side;
    const other = OTHER_SIDE[side];
    const reader = tokens.findIndex((w) => READER.has(w));
    if (reader >= 0) {
      const [sideOblique, readerOblique] = [oblique(found[0]), oblique({ at: reader })];
      const readerFirst = sideOblique === readerOblique ? reader < found[0].at : sideOblique;
      return readerFirst ? `${other}>${side}` : `${side}>${other}`;
    }
    // one side: after "from" or "by" it acts ("a complaint from a councillor"); after "about" and
    // the like it is acted on ("a complaint about an officer", "criticising officers")
    const before = wordBefore(tokens, found[0]);
    if (FROM.has(before)) return `${side}>${other}`;
    if (oblique(found[0])) return `${other}>${side}`;
    return null;
  }

  // --- Ranking clauses -----------------------------------------------------------------------

  const isHeading = (a) => /^h[1-6]$/i.test(a.element) && a.id;
  // Hidden reader's words (search.py): for the protocol words a clause uses.
  const HIDDEN = { "hbv-": HIDDEN_WEIGHT };
  const hiddenWeight = (a) => (a.element === "span" && a.id ? HIDDEN[a.id.slice(0, 4)] : undefined);
  const wordsOf = (text) => (text || "").split(/\s+/).filter(Boolean);

  // A page split at its headings with ids: each part's word range, where its own text starts
  // (after the heading's words), and the ranges of hidden reader's words with their weights.
  function sections(data) {
    const words = data.content.split(/\s+/);
    const anchors = (data.anchors || []).slice().sort((a, b) => a.location - b.location);
    const heads = anchors.filter(isHeading);
    const hidden = anchors.filter((a) => hiddenWeight(a) !== undefined);
    return heads.map((head, i) => {
      const end = i + 1 < heads.length ? heads[i + 1].location : words.length;
      const own = wordsOf(head.text).length;
      const ranges = hidden.filter((h) => h.location >= head.location && h.location < end)
        .map((h) => ({ from: h.location, to: h.location + wordsOf(h.text).length, weight: hiddenWeight(h) }));
      const visible = (end - head.location - own) - ranges.reduce((n, r) => n + r.to - r.from, 0);
      return { head, start: head.location, end, textStart: head.location + own, ranges, visible, words };
    });
  }

  const hiddenAt = (part, loc) => part.ranges.find((r) => loc >= r.from && loc < r.to);

  // The fewest words holding one position from each list (each sorted): how close the words are.
  function span(lists) {
    const all = lists.flatMap((list, i) => list.map((loc) => [loc, i])).sort((a, b) => a[0] - b[0]);
    const count = new Array(lists.length).fill(0);
    let have = 0;
    let best = Infinity;
    for (let lo = 0, hi = 0; hi < all.length; hi++) {
      if (count[all[hi][1]]++ === 0) have++;
      while (have === lists.length) {
        best = Math.min(best, all[hi][0] - all[lo][0] + 1);
        if (--count[all[lo][1]] === 0) have--;
        lo++;
      }
    }
    return best;
  }

  // How rare each word is among the clauses of the pages ranked (Pagefind's counts are by page:
  // a word in one clause of every council page looks as common as one in every clause), mixed
  // with the page rarity and scaled to the same total, so scores stay comparable with topics'.
  function clauseRarity(pages, found, terms, idf) {
    let n = 0;
    const df = terms.map(() => 0);
    for (const page of pages) {
      const parts = sections(page.data).filter((part) => part.visible > 0);
      n += parts.length;
      terms.forEach((term, t) => {
        const locations = (found[t].get(page.id) || []).filter((loc) => matches(parts.length ? parts[0].words[loc] : "", term));
        for (const part of parts) if (locations.some((loc) => loc >= part.start && loc < part.end)) df[t]++;
      });
    }
    const rare = df.map((d) => Math.log(1 + n / Math.max(1, d)));
    const mixed = rare.map((r, t) => Math.pow(r, CLAUSE_RARITY) * Math.pow(idf[t], 1 - CLAUSE_RARITY));
    const scale = idf.reduce((a, b) => a + b, 0) / Math.max(1e-9, mixed.reduce((a, b) => a + b, 0));
    return mixed.map((w) => w * scale);
  }

  function scoreSections(page, found, terms, idf, way) {
    const parts = sections(page.data).filter((part) => part.visible > 0);
    const results = [];
    for (const part of parts) {
      let score = 0;
      let covered = 0;
      const marks = new Set();
      const spots = [];  // each matched term's visible word positions
      const at = terms.map(() => []);  // the same, by term
      terms.forEach((term, t) => {
        const locations = (found[t].get(page.id) || []).filter((loc) => loc >= part.start && loc < part.end
          && matches(part.words[loc], term));
        if (!locations.length) return;
        const visible = locations.filter((loc) => !hiddenAt(part, loc));
        visible.forEach((loc) => marks.add(loc));
        if (visible.length && !term.person) spots.push(visible);
        at[t] = visible;
        const inTitle = visible.some((loc) => loc < part.textStart);
        let weight = inTitle ? TITLE_WEIGHT : visible.length ? 1
          : Math.max(...locations.map((loc) => hiddenAt(part, loc).weight));
        if (term.prefix && !locations.some((loc) => whole(normal(part.words[loc]), term))) weight *= PREFIX_ONLY;
        score += idf[t] * weight * (1 + 0.1 * Math.log(locations.length));
        covered += idf[t] * Math.min(1, weight);
      });
      if (!score) continue;
      const total = idf.reduce((a, b) => a + b, 0);
      score *= 0.3 + 0.7 * covered / total;                          // more of the question, higher
      // Long clauses hold words by chance; not when the words are close together (one item of a
      // long list, one sentence of a long paragraph). Words naming people are everywhere: they
      // do not count for closeness.
      const length = spots.length >= 2 ? Math.sqrt(part.visible * Math.min(part.visible, 60 + span(spots))) : part.visible;
      score /= 1 + 0.18 * Math.max(0, Math.log(length / 60));
      // The question's words side by side, in its order ("line manager", "group meeting", "need to know").
      let pairs = 0;
      for (let t = 0; t + 1 < terms.length; t++) {
        if (at[t].some((a) => at[t + 1].some((b) => b > a && b - a <= 3))) pairs++;
      }
      score *= 1 + PAIR * pairs;
      if (page.data.meta.kind !== "clauses") score *= OTHER_PAGE;
      if (page.own) score *= OWN_COUNCIL;
      if (way) {
        const said = [];
        for (let loc = part.start; loc < part.end && said.length < 80; loc++) if (!hiddenAt(part, loc)) said.push(part.words[loc]);
        const clauseWay = textWay(said);
        if (clauseWay) score *= clauseWay === way ? SAME_WAY : OTHER_WAY;
      }
      results.push({ score, covered, part, marks, page });
    }
    return results;
  }

  // --- Topics, comparison questions and roles (search-data.json) --------------------------------

  function scoreText(words, terms, idf) {
    let score = 0;
    terms.forEach((term, t) => { if (words.some((w) => matches(w, term))) score += idf[t]; });
    return score;
  }

  function offered(extra, terms, idf, root) {
    if (!extra) return [];
    const total = idf.reduce((a, b) => a + b, 0);
    const out = [];
    // A topic's title words count most, then its definition and the protocols' words, then readers' words.
    const topicScores = extra.topics.map((topic) => terms.reduce((sum, term, t) => {
      const tier = [[topic.title_words, 1.2], [topic.words, 1], [topic.reader, 0.8]]
        .find(([words]) => words.some((w) => matches(w, term)));
      return sum + (tier ? idf[t] * tier[1] : 0);
    }, 0));
    extra.topics.forEach((topic, i) => {
      const score = topicScores[i];
      if (score) out.push({ kind: "topic", covered: score, score: score * (0.5 + 0.5 * score / total), url: new URL(topic.url, root).href,
        where: "Topic: every council's clauses side by side", title: topic.title, text: topic.definition });
    });
    extra.questions.forEach((question) => {
      const own = scoreText(question.words, terms, idf);
      const matched = terms.filter((term) => question.words.some((w) => matches(w, term))).length;
      if (matched < Math.min(2, terms.length)) return;
      const score = own + 0.3 * topicScores[question.topic];
      out.push({ kind: "question", score: score * (0.5 + 0.5 * own / total), url: new URL(question.url, root).href,
        where: "Compare councils: every council's answer", title: question.text, text: "" });
    });
    const asked = terms.map((t) => t.stem).sort().join(" ");
    extra.roles.forEach((role) => {
      const named = role.names.some((name) => queryTerms(name + " ").map((t) => t.stem).sort().join(" ") === asked);
      if (named) out.push({ kind: "role", score: Infinity, url: new URL(role.url, root).href,
        where: "Glossary of roles", title: role.name, text: role.definition });
    });
    return out;
  }

  // --- Suggestions when nothing (or little) answers ---------------------------------------------

  function distance(a, b) {
    if (Math.abs(a.length - b.length) > 2) return 3;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = row;
    }
    return previous[b.length];
  }

  // The words spelling suggestions come from: every word of search-data.json's topics (titles,
  // definitions, vocabulary), sides and roles' names, four letters or more, stop words aside.
  function spellingWords(data) {
    const words = new Set();
    const add = (text) => text.split(" ").map(normal).forEach((w) => { if (w.length >= 4 && !STOP_WORDS.has(w)) words.add(w); });
    for (const topic of data.topics || []) [topic.title_words, topic.words, topic.reader].forEach((list) => list.forEach(add));
    Object.values(data.sides || {}).forEach((list) => list.forEach(add));
    for (const role of data.roles || []) role.names.forEach(add);
    return Array.from(words).sort();
  }

  function spellings(extra, terms) {
    if (!extra) return [];
    const known = new Set(extra.spelling);
    const stems = new Set(extra.spelling.map(stem));  // the known words are one form per stem: "sign" is known by "signing"
    const out = [];
    for (const term of terms) {
      if (known.has(term.text) || stems.has(term.stem) || term.text.length < 4) continue;
      let best = null;
      let bestDistance = 4;
      // the words as typed, or their stems ("bulied" is "buly", one letter from "bullying"'s "bully":
      // the known words are one form per stem)
      const allowed = (text) => (text.length > 6 ? 2 : 1);
      for (const word of extra.spelling) {
        let d = distance(term.text, word);
        if (d > allowed(term.text) && term.stem.length >= 4) {
          const s = stem(word);
          if (distance(term.stem, s) <= allowed(term.stem)) d = Math.min(d, distance(term.stem, s) + 0.5);  // the typed form first
        }
        if (d < bestDistance) { best = word; bestDistance = d; }
      }
      if (best && bestDistance < allowed(term.text) + 1) out.push([term.text, best]);
    }
    return out;
  }

  // Topics sharing a word (or, loosely, a word's beginning) with the query or its corrected spelling.
  function closestTopics(extra, terms) {
    if (!extra) return [];
    const fuzzy = terms.map((term) => ({ ...term, prefix: true, text: term.stem.slice(0, Math.max(4, term.stem.length - 2)) }));
    const ones = fuzzy.map(() => 1);
    return extra.topics.map((topic) => [scoreText(topic.title_words.concat(topic.words, topic.reader), fuzzy, ones), topic])
      .filter(([score]) => score > 0).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, topic]) => topic);
  }

  // --- Rendering ------------------------------------------------------------------------------

  // About 30 words of the clause around its best-matching words, matched words marked; never the
  // hidden reader's words.
  function excerpt(hit) {
    const { part, marks } = hit;
    const visible = [];
    for (let loc = part.textStart; loc < part.end; loc++) {
      if (hiddenAt(part, loc)) continue;
      visible.push(loc);
    }
    const size = 30;
    let from = 0;
    let best = -1;
    for (let i = 0; i < Math.max(1, visible.length - size + 1); i++) {
      const count = visible.slice(i, i + size).filter((loc) => marks.has(loc)).length;
      if (count > best) { best = count; from = i; }
      if (!marks.size) break;
    }
    const out = document.createDocumentFragment();
    if (from > 0) out.append("… ");
    visible.slice(from, from + size).forEach((loc, i) => {
      if (i) out.append(" ");
      const word = part.words[loc];
      if (marks.has(loc)) {
        const mark = document.createElement("mark");
        mark.textContent = word;
        out.append(mark);
      } else out.append(word);
    });
    if (from + size < visible.length) out.append(" …");
    return out;
  }

  function resultItem(hit, terms) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.className = "hb-search__result";
    link.href = hit.url;
    link.dataset.terms = terms.map((t) => t.text).join(" ");
    const add = (cls, content) => {
      const span = document.createElement("span");
      span.className = cls;
      span.append(content);
      link.append(span);
    };
    add("hb-search__where", hit.where);
    if (hit.title) add("hb-search__title", hit.title);
    const text = hit.part ? excerpt(hit) : hit.text;
    if (text) add("hb-search__excerpt", text);
    li.append(link);
    return li;
  }

  function clauseHit(hit, root) {
    const data = hit.page.data;
    const note = data.meta.note ? ` (${data.meta.note})` : "";
    return { ...hit, url: new URL(data.url.split("#")[0] + "#" + hit.part.head.id, root).href,
      where: (data.meta.title || data.url) + note, title: hit.part.head.text.replace(/\.$/, "") };
  }

  // --- Landing on a clause --------------------------------------------------------------------

  function markWords(element, terms) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => node.parentElement.closest("mark, button, .hb-clause__tools, [hidden]")
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    let count = 0;
    for (const node of nodes) {
      const pieces = node.textContent.split(/(\s+)/);
      if (!pieces.some((piece) => terms.some((term) => matches(piece, term)))) continue;
      const out = document.createDocumentFragment();
      for (const piece of pieces) {
        if (piece.trim() && terms.some((term) => matches(piece, term))) {
          const mark = document.createElement("mark");
          mark.className = "hb-found-word";
          mark.textContent = piece;
          out.append(mark);
          count++;
        } else out.append(piece);
      }
      node.replaceWith(out);
    }
    return count;
  }

  // The clause the reader opened from a result: highlighted, its searched words marked, focused
  // (so a screen reader reads it) and announced.
  function land() {
    let landing = null;
    try { landing = JSON.parse(sessionStorage.getItem(LANDING_KEY) || "null"); } catch (e) { return; }
    if (!landing || landing.path !== location.pathname || `#${landing.id}` !== decodeURIComponent(location.hash)) return;
    sessionStorage.removeItem(LANDING_KEY);
    const target = document.getElementById(landing.id);
    if (!target) return;
    const clause = target.closest("[data-clause]") || target;
    document.querySelectorAll(".hb-found").forEach((el) => el.classList.remove("hb-found"));
    clause.classList.add("hb-found");
    const terms = queryTerms(landing.terms + " ");
    const count = terms.length ? markWords(clause, terms) : 0;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    let live = document.getElementById("hb-found-status");
    if (!live) {
      live = document.createElement("p");
      live.id = "hb-found-status";
      live.className = "hb-search__announce";
      live.setAttribute("role", "status");
      document.body.append(live);
    }
    const name = target.textContent.trim();
    live.textContent = `Search result: ${name} is highlighted` + (count ? `; ${count} searched ${count === 1 ? "word is" : "words are"} marked.` : ".");
  }

  // --- The box --------------------------------------------------------------------------------

  function init(root) {
    const input = root.querySelector(".hb-search__input");
    const panel = root.querySelector(".hb-search__panel");
    const status = root.querySelector(".hb-search__status");
    const list = root.querySelector(".hb-search__list");
    const suggest = root.querySelector(".hb-search__suggest");
    const earlier = root.querySelector("#hb-search-earlier");  // superseded and proposed versions too
    const bundle = new URL(root.dataset.bundle, document.baseURI);
    const siteRoot = new URL("..", bundle);
    const here = location.pathname.match(/\/councils\/([^/]+)\//);
    const ownCouncil = here ? `/councils/${here[1]}/` : null;
    let pagefind = null;
    let extra = null;
    let known = new Set();  // the words search-data.json knows (spelling suggestions come from them)
    let pagefindEarlier = null;
    let latest = 0;
    let timer = null;

    // The engine over a bundle: its Pagefind module (each bundle's pagefind.js is its own module).
    async function loadEngine(url) {
      const module = await import(new URL("pagefind.js", url).href);
      // Result URLs are site-relative; prefix the site's own path so a sub-path deploy works.
      // Pagefind runs on this page, not in its web worker: the worker is 41 KB more to fetch, and
      // every result crosses to the page by message, at 4,000 councils 1,600 results a word; the
      // first result showed sooner without it in every interleaved run (bench/README.md,
      // build_scale.py). Its search blocks the page a few hundred milliseconds at most, while the
      // reader waits for the results anyway.
      await module.options({ baseUrl: siteRoot.pathname, noWorker: true });
      return module;
    }

    async function engine() {
      if (!pagefind) {
        pagefind = loadEngine(bundle).then(async (module) => {
          const [, data] = await Promise.all([
            module.init(),  // fetch the index metadata and the wasm now, not on the first key
            fetch(new URL("search-data.json", bundle)).then((r) => (r.ok ? r.json() : null)).catch(() => null),
          ]);
          extra = data;
          STOP_WORDS = new Set((data && data.stop_words) || []);
          if (data) data.spelling = spellingWords(data);
          known = new Set((data && data.spelling) || []);
          loadSides(data && data.sides);
          return module;
        }).catch((error) => {
          pagefind = null;  // try again on the next key (e.g. the connection came back)
          throw error;
        });
      }
      return pagefind;
    }

    // Superseded and proposed versions and redlines are a second bundle (search.py), loaded only
    // when the reader asks for them: the bundle every search loads stays the current pages'.
    // Null when the site has none.
    async function earlierEngine() {
      const more = extra && extra.earlier;
      if (!more || !more.pages) return null;
      if (!pagefindEarlier) {
        pagefindEarlier = loadEngine(new URL(more.bundle, bundle)).then(async (module) => {
          await module.init();
          return module;
        }).catch((error) => {
          pagefindEarlier = null;
          throw error;
        });
      }
      return pagefindEarlier;
    }

    const links = () => Array.from(panel.querySelectorAll(".hb-search__list a, .hb-search__suggest a, .hb-search__suggest button"));
    const open = () => { panel.hidden = false; };
    const close = () => { panel.hidden = true; };

    // Each term's results from the bundles searched (the earlier versions' ids marked apart).
    async function searchTerm(modules, text) {
      const each = await Promise.all(modules.map((module) => module.search(text)));
      each.slice(1).forEach((s, k) => s.results.forEach((r) => { r.id = `${k + 1}:${r.id}`; }));
      return { results: each.flatMap((s) => s.results) };
    }

    async function search(modules, terms) {
      const found = [];
      const pages = new Map();
      const searches = await Promise.all(terms.map((term) => searchTerm(modules, term.text)));
      const scored = [];  // each term's results by page id
      searches.forEach((result, t) => {
        const byPage = new Map();
        const results = new Map();
        scored.push(results);
        for (const r of result.results) {
          byPage.set(r.id, r.words || []);
          results.set(r.id, r);
          const page = pages.get(r.id) || { id: r.id, result: r, terms: 0, hits: 0 };
          page.hits += (r.words || []).length;
          pages.set(r.id, page);
        }
        found.push(byPage);
      });
      // How many pages are searched (for how rare each word is): search-data.json counts each
      // bundle's (a search for everything would fetch the whole index); without it, the most any
      // word was found on.
      const counted = extra ? (extra.pages || 0) + (modules.length > 1 ? extra.earlier.pages : 0) : 0;
      const n = Math.max(1, counted, ...searches.map((s) => s.results.length));
      const idf = searches.map((s) => Math.log(1 + n / Math.max(1, s.results.length)));
      // A page's promise: the rare words it holds, each by how well Pagefind scores it there.
      const best = searches.map((s) => Math.max(1e-9, ...s.results.map((r) => r.score)));
      for (const page of pages.values()) {
        page.terms = terms.reduce((sum, _, t) => {
          const r = scored[t].get(page.id);  // (a lookup: a word can be on thousands of pages)
          return sum + (r ? idf[t] * (0.5 + 0.5 * r.score / best[t]) : 0);
        }, 0);
      }
      const ranked = Array.from(pages.values()).sort((a, b) => b.terms - a.terms || b.result.score - a.result.score);
      return { found, idf, ranked: ranked.slice(0, MAX_PAGES) };
    }

    function showSuggestions(terms, weak, fixes) {
      suggest.replaceChildren();
      if (fixes.length) {
        const p = document.createElement("p");
        p.className = "hb-search__hint";
        p.textContent = fixes.map(([from, to]) => `Nothing matched “${from}”: showing results for “${to}”.`).join(" ");
        suggest.append(p);
      }
      if (!weak) return;
      const spelled = spellings(extra, terms);
      const topics = closestTopics(extra, terms.concat(spelled.map(([, to]) => queryTerms(to + " ")[0]).filter(Boolean)));
      if (!topics.length && !spelled.length) return;
      const p = document.createElement("p");
      p.className = "hb-search__hint";
      p.textContent = "Try:";
      suggest.append(p);
      const ul = document.createElement("ul");
      for (const [from, to] of spelled) {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "hb-search__spelling";
        button.textContent = `Search for “${to}” instead of “${from}”`;
        button.addEventListener("click", () => {
          input.value = input.value.replace(new RegExp(`\\b${from}\\b`, "i"), to);
          input.focus();
          run(input.value);
        });
        li.append(button);
        ul.append(li);
      }
      for (const topic of topics) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = new URL(topic.url, siteRoot).href;
        a.textContent = `Topic: ${topic.title}`;
        li.append(a);
        ul.append(li);
      }
      suggest.append(ul);
    }

    // A misspelt word (one no page found holds as a word, "bulying") is searched again as the closest
    // word search-data.json knows ("bullying"); the status and a note say so. `typed` is the query as
    // typed, `fixes` the words replaced.
    const respelt = (query, fixes) => fixes.reduce((q, [from, to]) =>
      q.replace(new RegExp(`(^|[^\\p{L}\\p{N}'])${from}(?![\\p{L}\\p{N}'])`, "iu"), `$1${to}`), query);

    async function run(query, typed = null, fixes = []) {
      const ticket = ++latest;
      clearTimeout(timer);
      if (!query.trim()) { list.replaceChildren(); suggest.replaceChildren(); status.textContent = ""; close(); return; }
      open();
      status.textContent = "Searching…";
      await new Promise((resolve) => { timer = setTimeout(resolve, DEBOUNCE_MS); });
      if (ticket !== latest) return;
      let terms = [];
      let shown = [];
      let weak = true;
      let misspelt = [];
      try {
        const module = await engine();
        if (ticket !== latest) return;
        terms = queryTerms(query);  // after the engine: its data says which words are stop words
        terms = terms.map((term) => british(term, known));
        if (terms.length) {
          const more = earlier.checked ? await earlierEngine() : null;
          if (ticket !== latest) return;
          const found = await search(more ? [module, more] : [module], terms);
          if (ticket !== latest) return;
          const idf = found.idf;
          const total = idf.reduce((a, b) => a + b, 0);
          const extras = offered(extra, terms, idf, siteRoot);
          const way = queryWay(query);
          const loaded = [];
          const held = terms.map(() => false);  // each term: held as a word (not only a prefix of Pagefind's stem) by a page
          // The best pages first, so the first results show without waiting for the rest.
          for (const batch of [found.ranked.slice(0, FIRST_PAGES), found.ranked.slice(FIRST_PAGES)]) {
            const datas = await Promise.all(batch.map((p) => p.result.data()));
            if (ticket !== latest) return;
            batch.forEach((p, i) => {
              const words = datas[i].content.split(/\s+/);
              terms.forEach((term, t) => {
                held[t] = held[t] || (found.found[t].get(p.id) || []).some((loc) => matches(words[loc], term));
              });
              loaded.push({ id: p.id, data: datas[i], own: ownCouncil !== null && datas[i].url.startsWith(ownCouncil) });
            });
            const weights = clauseRarity(loaded, found.found, terms, idf);
            const hits = loaded.flatMap((page) => scoreSections(page, found.found, terms, weights, way).map((h) => clauseHit(h, siteRoot)));
            shown = rank(hits, extras, total);
            render(shown, terms);
          }
          const best = shown.find((h) => h.kind !== "role");
          weak = !best || (best.covered !== undefined ? best.covered < 0.5 * total : false);
          if (!fixes.length) misspelt = spellings(extra, terms.filter((_, t) => !held[t]));
        }
      } catch (error) {
        status.textContent = "Search is unavailable: the search index could not be loaded.";
        list.replaceChildren();
        console.error("handbook search:", error);
        return;
      }
      const corrected = misspelt.length ? respelt(query, misspelt) : query;
      if (corrected !== query) { run(corrected, query, misspelt); return; }
      render(shown, terms);
      showSuggestions(terms, weak || !shown.length, fixes);
      const count = shown.length;
      const fixed = fixes.length ? ` Showing results for “${query}”.` : "";
      status.textContent = count
        ? `${count} ${count === 1 ? "result" : "results"} found for “${typed || query}”.${fixed} Press Down to go to the results.`
        : `Nothing found for “${typed || query}”.` + (suggest.childElementCount ? " Suggestions follow." : "");
    }

    // Clauses and what search-data.json offers, best first: a role's glossary entry second (it
    // explains the role; the clauses answer), at most two topics and two comparison questions.
    // The best topic, when its words hold 40% or more of the question's (by weight), is offered
    // second (after the best clause): its page has every council's clauses on it side by side.
    // (75% before: on the 127 tuned questions 0.94/0.83 -> 0.96/0.84; 0.3 gave 0.97/0.85 but
    // offers a topic for a minor part of a question.)
    function rank(hits, extras, total) {
      const topics = extras.filter((e) => e.kind === "topic").sort((a, b) => b.score - a.score).slice(0, 2);
      const questions = extras.filter((e) => e.kind === "question").sort((a, b) => b.score - a.score).slice(0, 2);
      const ordered = hits.concat(topics.slice(1), questions).sort((a, b) => b.score - a.score);
      if (topics.length) {
        const strong = topics[0].covered >= TOPIC_SECOND * total;
        let at = ordered.findIndex((h) => h.score < topics[0].score);
        if (at < 0) at = ordered.length;
        ordered.splice(strong ? Math.min(at, 1) : at, 0, topics[0]);
      }
      const roles = extras.filter((e) => e.kind === "role").slice(0, 1);
      if (roles.length) ordered.splice(Math.min(1, ordered.length), 0, ...roles);
      return ordered.slice(0, MAX_RESULTS);
    }

    function render(hits, terms) {
      list.replaceChildren(...hits.map((hit) => resultItem(hit, terms)));
    }

    function move(from, step) {
      const all = links();
      const index = all.indexOf(from) + step;
      if (index < 0) input.focus();
      else if (index < all.length) all[index].focus();
    }

    input.addEventListener("input", () => run(input.value));
    earlier.addEventListener("change", () => run(input.value));
    // Start loading the search engine when the reader heads for the box, before the first key.
    const preload = () => engine().catch(() => {});  // a failure is reported when a search needs it
    input.addEventListener("focus", preload);
    input.addEventListener("pointerenter", preload, { once: true });
    root.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const first = links()[0];
      if (first) first.click();
    });
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { close(); input.focus(); event.preventDefault(); return; }
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (event.target === input) { if (step === 1 && links().length) { open(); links()[0].focus(); } }
      else move(event.target, step);
      event.preventDefault();
    });
    root.addEventListener("focusout", (event) => {
      if (!root.contains(event.relatedTarget)) close();
    });
    // Following a result: remember the words so the clause's page can mark them; on this same
    // page, close the list and land at once.
    list.addEventListener("click", (event) => {
      const link = event.target.closest("a");
      if (!link) return;
      const url = new URL(link.href);
      if (url.hash) {
        try {
          sessionStorage.setItem(LANDING_KEY, JSON.stringify({ path: url.pathname, id: decodeURIComponent(url.hash.slice(1)), terms: link.dataset.terms }));
        } catch (e) { /* storage refused: the clause is still highlighted by :target */ }
      }
      close();
      if (url.pathname === location.pathname && url.hash === location.hash) land();
    });
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
    input.disabled = false;
  }

  const start = () => {
    document.querySelectorAll("[data-hb-search]").forEach(init);
    land();
  };
  window.addEventListener("hashchange", land);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
