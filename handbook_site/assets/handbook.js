// The handbook's page behaviour: copy-citation buttons, the home page's council finder, the
// printed page's address and the offline service worker.
// A static file (no inline scripts, so a strict Content-Security-Policy holds); every page works
// without it: the clause links are real links and the citation is the link's title.
(function () {
  "use strict";
  var script = document.currentScript;

  // The live region exists (empty) before anything is copied, so screen readers announce the change.
  function statusRegion() {
    var status = document.getElementById("hb-copy-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "hb-copy-status";
      status.className = "hb-copy-status";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    return status;
  }

  function announce(message) {
    statusRegion().textContent = message;
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }

  function setUpCitations() {
    var buttons = document.querySelectorAll("button.hb-cite[data-citation]");
    if (buttons.length) statusRegion();
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var citation = button.getAttribute("data-citation");
        copy(citation).then(function () {
          announce("Citation copied: " + citation);
        }, function () {
          announce("Citation: " + citation);  // no clipboard access: show it to copy by hand
        });
      });
    });
  }

  // Each clause's "Link" is a real link to its anchor (so it works without JS and can be copied
  // from the context menu); a plain click also copies the clause's full address.
  function setUpClauseLinks() {
    var links = document.querySelectorAll("a.hb-clause__link");
    if (links.length) statusRegion();
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        var address = link.href;
        copy(address).then(function () {
          announce("Link copied: " + address);
        }, function () { /* the address bar shows the link */ });
      });
    });
  }

  // "Find your council" on the home page: the list is there without JavaScript; this narrows it
  // as the reader types (every typed word must start a word of the council's names).
  function setUpCouncilFinder() {
    var finder = document.querySelector("[data-hb-finder]");
    var list = document.getElementById("hb-council-list");
    if (!finder || !list) return;
    var input = finder.querySelector("input");
    var count = document.getElementById("hb-council-count");
    var none = list.parentNode.querySelector(".hb-start__none");
    var councils = Array.prototype.slice.call(list.querySelectorAll("li[data-hb-words]"));
    var words = councils.map(function (li) { return li.getAttribute("data-hb-words").split(/[^\p{L}\p{N}]+/u); });
    finder.hidden = false;
    var timer = null;
    function filter() {
      var typed = input.value.toLocaleLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      var shown = 0;
      councils.forEach(function (li, i) {
        var match = typed.every(function (t) {
          return words[i].some(function (w) { return w.indexOf(t) === 0; });
        });
        li.hidden = !match;
        if (match) shown += 1;
      });
      if (none) none.hidden = shown > 0;
      // Announced after a pause in typing, not at every key.
      clearTimeout(timer);
      timer = setTimeout(function () {
        count.textContent = typed.length ? shown + (shown === 1 ? " council matches" : " councils match")
          : "";
      }, 400);
    }
    input.addEventListener("input", filter);
  }

  // A printed page carries its own address (Chromium prints no URL in @page margin boxes).
  function setUpPrintAddress() {
    var address = location.href.split("#")[0];
    Array.prototype.forEach.call(document.querySelectorAll(".hb-print-url"), function (el) {
      el.textContent = address;
    });
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !script || !window.isSecureContext) return;
    // This file is <root>/assets/handbook/handbook.js; the worker lives at <root>/sw.js so its
    // scope is the whole handbook, wherever the site is deployed.
    var worker = new URL("../../sw.js", script.src);
    navigator.serviceWorker.register(worker.href).catch(function () { /* reading online still works */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpCitations);
    document.addEventListener("DOMContentLoaded", setUpClauseLinks);
    document.addEventListener("DOMContentLoaded", setUpCouncilFinder);
    document.addEventListener("DOMContentLoaded", setUpPrintAddress);
  } else {
    setUpCitations();
    setUpClauseLinks();
    setUpCouncilFinder();
    setUpPrintAddress();
  }
  registerServiceWorker();
})();
