// The side-by-side page: fetch the two picked councils' answers (one small JSON file each) and put
// them under each question. Everything is built with textContent, never innerHTML: the data is
// protocol wording and must be shown exactly as written. Without this script the page offers the
// full question tables instead (a <noscript> list).
(function () {
  "use strict";
  var form = document.getElementById("hb-pair");
  var result = document.getElementById("hb-pair-result");
  if (!form || !result) return;
  var status = document.getElementById("hb-pair-status");
  var title = document.getElementById("hb-pair-title");
  var pickers = {a: document.getElementById("hb-pair-a"), b: document.getElementById("hb-pair-b")};
  var cache = {};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function load(id) {
    if (!cache[id]) {
      cache[id] = fetch(result.getAttribute("data-data") + encodeURIComponent(id) + ".json").then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      cache[id].catch(function () { delete cache[id]; });  // a failed fetch is tried again next time
    }
    return cache[id];
  }

  function answerNode(council, answer) {
    var box = document.createDocumentFragment();
    box.appendChild(element("p", "hb-answer__council", council.council));
    var value = element("p", "hb-answer__value");
    var badge = element("span", "hb-value hb-value--" + answer.value, answer.label);
    value.appendChild(badge);
    box.appendChild(value);
    if (answer.text) box.appendChild(element("p", "hb-answer__text", answer.text));
    answer.cites.forEach(function (cite) {
      var figure = element("figure", "hb-cited");
      var quote = element("blockquote", "hb-cited__text");
      cite.quote.forEach(function (line) { quote.appendChild(element("p", "", line)); });
      var caption = element("figcaption");
      var link = element("a", "", cite.ref);
      link.href = result.getAttribute("data-root") + cite.href;
      link.title = cite.citation;
      caption.appendChild(link);
      figure.appendChild(quote);
      figure.appendChild(caption);
      box.appendChild(figure);
    });
    return box;
  }

  function show(a, b) {
    var councils = {a: a, b: b};
    Array.prototype.forEach.call(result.querySelectorAll(".hb-pair__question"), function (question) {
      var id = question.getAttribute("data-question");
      ["a", "b"].forEach(function (side) {
        var slot = question.querySelector('[data-side="' + side + '"]');
        slot.textContent = "";
        var answer = councils[side].answers[id];
        if (answer) slot.appendChild(answerNode(councils[side], answer));
      });
    });
    title.textContent = a.council + " (" + a.version + ") and " + b.council + " (" + b.version + ")";
    result.hidden = false;
  }

  function pick(a, b, moveFocus) {
    status.textContent = "Loading the answers…";
    Promise.all([load(a), load(b)]).then(function (data) {
      show(data[0], data[1]);
      status.textContent = "Showing " + data[0].council + " and " + data[1].council + ", question by question.";
      if (moveFocus) title.focus();
    }, function () {
      status.textContent = "The answers could not be loaded. Try again, or use the question tables on the Compare page.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var a = pickers.a.value, b = pickers.b.value;
    // The address names the pair, so it can be bookmarked or sent to a colleague.
    history.replaceState(null, "", "?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b));
    pick(a, b, true);
  });

  var query = new URLSearchParams(window.location.search);
  ["a", "b"].forEach(function (side) {
    var wanted = query.get(side);
    if (wanted && pickers[side].querySelector('option[value="' + CSS.escape(wanted) + '"]')) pickers[side].value = wanted;
  });
  if (query.get("a") && query.get("b")) pick(pickers.a.value, pickers.b.value, false);
})();
