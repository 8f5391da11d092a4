// The handbook's offline reading: a page read once online opens offline.
// On install it stores the councils' protocol pages (offline-pages.json); every page and asset
// fetched afterwards is stored as it is visited.
"use strict";
var CACHE = "handbook-v1";
var ROOT = new URL("./", self.location).href;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return fetch(ROOT + "offline-pages.json").then(function (response) {
        return response.json();
      }).then(function (manifest) {
        var pages = [ROOT].concat(manifest.pages.map(function (p) { return ROOT + p; }));
        return Promise.all(pages.map(function (url) {
          return cache.add(url).catch(function () { /* one missing page must not stop the rest */ });
        }));
      }).catch(function () {});
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) {
        return caches.delete(n);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") !== -1;
}

function store(request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(ROOT) !== 0) return;
  // Network first for everything (a reader online always gets the latest text and assets),
  // falling back to what was stored.
  event.respondWith(
    fetch(request).then(function (response) { return store(request, response); }).catch(function () {
      return caches.match(request, {ignoreSearch: true}).then(function (hit) {
        if (hit || !isPage(request)) return hit || Response.error();
        return new Response("<!doctype html><html lang=\"en\"><title>Offline</title><h1>You are offline</h1>" +
          "<p>This page has not been opened on this device before, so it is not stored for offline reading.</p></html>",
          {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
      });
    })
  );
});
