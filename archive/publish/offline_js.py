"""The search pages' script for a site opened from a folder (file://): archive/publish/offline.py's index.

It reads `?q=` (the page's plain form submits there), folds the query as archive/search/text.py folds text
(NFC, lower case, ё as е, Hangul runs as bigrams), loads docs.js and the shard of each query word as classic
scripts, and lists the documents that have every word: a Hangul bigram or a short word must be a term itself,
another word matches the longest term that is a prefix of it (3 characters at least), so `полуострова` finds
the stem `полуостров`. Results are built with textContent: no index text is ever parsed as HTML.
"""

from __future__ import annotations

OFFLINE_JS_PATH = "search/offline.js"

OFFLINE_JS = r"""// pressroom: search from file:// with the classic-script index in search/idx/ (no network, no modules)
(function () {
  "use strict";
  var state = { docs: {}, shards: {} };
  window.pressroomSearch = {
    docs: function (lang, rows) { state.docs[lang] = rows; },
    add: function (lang, name, part) { state.shards[lang + "/" + name] = part; }
  };
  var HANGUL = /[\uac00-\ud7a3]/;
  function fold(s) { return s.normalize("NFC").toLowerCase().replace(/ё/g, "е"); }
  function words(q) {
    var bi = fold(q).replace(/[\uac00-\ud7a3]{2,}/g, function (run) {
      var out = [];
      for (var i = 0; i + 1 < run.length; i++) { out.push(run.slice(i, i + 2)); }
      return out.join(" ");
    });
    return bi.match(/[\p{L}\p{M}\p{N}_]+/gu) || [];
  }
  function shard(term) {
    var head = Array.from(term).slice(0, HANGUL.test(term.charAt(0)) ? 1 : 2);
    return head.map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }
  function load(src) {
    return new Promise(function (done) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = function () { done(true); };
      tag.onerror = function () { done(false); };  // no shard: no term starts that way
      document.head.appendChild(tag);
    });
  }
  function lookup(part, word) {
    if (Object.prototype.hasOwnProperty.call(part, word)) { return part[word]; }
    if (HANGUL.test(word) || word.length < 3) { return null; }
    for (var n = word.length - 1; n >= 3; n--) {
      var prefix = word.slice(0, n);
      if (Object.prototype.hasOwnProperty.call(part, prefix)) { return part[prefix]; }
    }
    return null;
  }
  function numbers(gaps) {
    var out = new Set(), at = 0;
    gaps.forEach(function (g) { at += g; out.add(at); });
    return out;
  }
  function show(box, lang, found) {
    var rows = state.docs[lang];
    box.textContent = "";
    var count = document.createElement("p");
    count.id = "offline-count";
    count.textContent = found.length === 1 ? "1 document" : found.length + " documents";
    box.appendChild(count);
    var list = document.createElement("ol");
    found.map(function (n) { return rows[n]; })
      .sort(function (a, b) { return a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0; })
      .forEach(function (row) {
        var item = document.createElement("li"), link = document.createElement("a");
        var meta = document.createElement("span");
        link.href = row[3];
        link.textContent = row[0];
        meta.className = "muted";
        meta.textContent = " \u2014 " + row[2] + ", " + row[1];
        item.appendChild(link);
        item.appendChild(meta);
        list.appendChild(item);
      });
    box.appendChild(list);
  }
  function run(lang, query, box) {
    var terms = words(query);
    if (!terms.length) { return; }
    box.textContent = "Searching\u2026";
    var base = "search/idx/" + lang + "/";
    var names = Array.from(new Set(terms.map(shard)));
    Promise.all([load(base + "docs.js")].concat(names.map(function (n) { return load(base + n + ".js"); })))
      .then(function (loaded) {
        if (!loaded[0]) {
          box.textContent = "This site was published without its search index.";
          return;
        }
        var hits = null;
        terms.forEach(function (word) {
          var gaps = lookup(state.shards[lang + "/" + shard(word)] || {}, word);
          var these = gaps ? numbers(gaps) : new Set();
          hits = hits === null ? these : new Set(Array.from(hits).filter(function (n) { return these.has(n); }));
        });
        show(box, lang, Array.from(hits));
      });
  }
  window.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("offline-form");
    if (location.protocol !== "file:" || !form) { return; }
    form.hidden = false;
    var q = new URLSearchParams(location.search).get("q") || "";
    form.elements.q.value = q;
    run(document.documentElement.lang, q, document.getElementById("offline-results"));
  });
})();
"""
