// Handbook search: the header search box over the Pagefind index (built by handbook_site/search.py).
// Results are clauses, not pages: each page's matching sub-results (one per clause heading with an
// id) are listed, and each link opens its page at that clause's anchor. Superseded and proposed
// versions are searched only when the reader ticks the box for them.
// Keyboard: "/" focuses the box; Down/Up move between the box and the results; Enter on the box
// opens the first result; Escape closes the results and returns to the box.
(() => {
  "use strict";
  const MAX_PAGES = 10;          // pages whose fragments are loaded per query
  const FIRST_BATCH = 3;         // pages shown before the rest are loaded
  const MAX_CLAUSES_PER_PAGE = 3;
  const DEBOUNCE_MS = 80;

  // The excerpt is HTML from the index; keep only its text and <mark>s, never its markup.
  function excerptNodes(excerpt) {
    const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body;
    const out = document.createDocumentFragment();
    for (const node of parsed.querySelectorAll("p")[0].childNodes) {
      if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
      else if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.append(mark);
      } else out.append(node.textContent);
    }
    return out;
  }

  function clauseScore(sub) {
    return (sub.weighted_locations || []).reduce((sum, loc) => sum + loc.balanced_score, 0);
  }

  // Ids of headings with no text of their own before the next heading: a page or section title
  // directly followed by its first clause. Such a match is shown only when no clause matched.
  function bareHeadings(data) {
    const heads = (data.anchors || []).filter((a) => /^h[1-6]$/i.test(a.element))
      .sort((a, b) => a.location - b.location);
    const bare = new Set();
    heads.forEach((head, i) => {
      const end = i + 1 < heads.length ? heads[i + 1].location : data.word_count;
      const ownWords = (head.text || "").split(/\s+/).filter(Boolean).length;
      if (end - head.location <= ownWords) bare.add(head.id);
    });
    return bare;
  }

  // A page's best-matching clauses (sub-results under headings with ids), best first.
  function clauseHits(data) {
    const bare = bareHeadings(data);
    const anchored = data.sub_results.filter((sub) => sub.anchor);
    const clauses = anchored.filter((sub) => !bare.has(sub.anchor.id));
    const hits = clauses.length ? clauses : anchored.length ? anchored : data.sub_results.slice(0, 1);
    return hits.sort((a, b) => clauseScore(b) - clauseScore(a)).slice(0, MAX_CLAUSES_PER_PAGE)
      .map((sub) => ({
        url: sub.url,
        where: (data.meta.title || data.url) + (data.meta.note ? ` (${data.meta.note})` : ""),
        title: sub.anchor ? sub.title : "",
        excerpt: sub.excerpt || data.excerpt,
      }));
  }

  function resultItem(hit) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.className = "hb-search__result";
    link.href = hit.url;
    const where = document.createElement("span");
    where.className = "hb-search__where";
    where.textContent = hit.where;
    link.append(where);
    if (hit.title) {
      const title = document.createElement("span");
      title.className = "hb-search__title";
      title.textContent = hit.title;
      link.append(title);
    }
    const excerpt = document.createElement("span");
    excerpt.className = "hb-search__excerpt";
    excerpt.append(excerptNodes(hit.excerpt));
    link.append(excerpt);
    li.append(link);
    return li;
  }

  function init(root) {
    const input = root.querySelector(".hb-search__input");
    const panel = root.querySelector(".hb-search__panel");
    const status = root.querySelector(".hb-search__status");
    const list = root.querySelector(".hb-search__list");
    const earlier = root.querySelector("#hb-search-earlier");  // superseded and proposed versions too
    const bundle = new URL(root.dataset.bundle, document.baseURI);
    let pagefind = null;
    let latest = 0;

    async function engine() {
      if (!pagefind) {
        pagefind = import(new URL("pagefind.js", bundle).href).then(async (module) => {
          // Result URLs are site-relative; prefix the site's own path so a sub-path deploy works.
          await module.options({ baseUrl: new URL("..", bundle).pathname });
          await module.init();  // fetch the index metadata and the wasm now, not on the first key
          return module;
        }).catch((error) => {
          pagefind = null;  // try again on the next key (e.g. the connection came back)
          throw error;
        });
      }
      return pagefind;
    }

    const links = () => Array.from(list.querySelectorAll("a"));
    const open = () => { panel.hidden = false; };
    const close = () => { panel.hidden = true; };

    async function run(query) {
      const ticket = ++latest;
      if (!query.trim()) { list.replaceChildren(); status.textContent = ""; close(); return; }
      open();
      status.textContent = "Searching…";
      let count = 0;
      try {
        const options = earlier.checked ? {} : { filters: { version: "current" } };
        const search = await (await engine()).debouncedSearch(query, options, DEBOUNCE_MS);
        if (search === null || ticket !== latest) return;  // a newer query superseded this one
        const pages = search.results.slice(0, MAX_PAGES);
        // The best pages first, so the first results show without waiting for the rest.
        for (const batch of [pages.slice(0, FIRST_BATCH), pages.slice(FIRST_BATCH)]) {
          const hits = (await Promise.all(batch.map((r) => r.data()))).flatMap(clauseHits);
          if (ticket !== latest) return;
          if (count === 0) list.replaceChildren();
          list.append(...hits.map(resultItem));
          count += hits.length;
        }
      } catch (error) {
        status.textContent = "Search is unavailable: the search index could not be loaded.";
        list.replaceChildren();
        console.error("handbook search:", error);
        return;
      }
      if (count === 0) list.replaceChildren();
      status.textContent = count
        ? `${count} ${count === 1 ? "result" : "results"} found for “${query}”. Press Down to go to the results.`
        : `Nothing found for “${query}”.`;
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
    // Following a result to another place on this same page: close the list so the clause shows.
    list.addEventListener("click", () => close());
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

  const start = () => document.querySelectorAll("[data-hb-search]").forEach(init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
