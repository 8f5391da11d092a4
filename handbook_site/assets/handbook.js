// The handbook's page behaviour: copy-citation buttons and the offline service worker.
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
  } else {
    setUpCitations();
    setUpClauseLinks();
  }
  registerServiceWorker();
})();
