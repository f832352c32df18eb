/* "Hỏi nhanh": a citizen's question matched against the reviewed Q&A bank, in the browser.
 *
 * The one implementation of the scoring: the page runs it, and the tests and
 * benchmarks/quick_ask.py run this same file under node. It never writes an
 * answer: it picks entries of the bank and shows their words as they are.
 *
 * The index (hoi-nhanh.<lang>.json, made by generator/compose/quick_ask.py) holds
 * each entry's text folded like the site search (no diacritics, đ -> d). A query
 * is folded the same way, split into words and word pairs, words the index does
 * not know are mended to a known word one letter away ("huw" -> "huu"), and each
 * entry scores the rarity (idf) of the terms it shares, more for terms of its
 * question and keywords than of its answer.
 */
(function (root) {
  "use strict";

  var FIELD_WEIGHTS = { q: 2.0, k: 2.5, a: 0.6 };
  var PAIR_BONUS = 1.5;  // a shared word pair counts this much more than its words alone
  var HOME_BOOST = 1.1;  // on an audience's page, its own answers win a tie
  var MIN_COVER = 0.4;  // share of the query's weight an answer must cover to be shown
  var SHOWN = 3;

  function fold(text) {
    return String(text)
      .replace(/[đĐÐ]/g, "d").replace(/[ƀɃ]/g, "b")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/['’‘ʼꞌ`]/g, "")
      .toLowerCase();
  }

  function words(folded) {
    return folded.match(/[a-z]+|[0-9]+/g) || [];
  }

  function pairs(list) {
    var out = [];
    for (var i = 0; i + 1 < list.length; i++) { out.push(list[i] + " " + list[i + 1]); }
    return out;
  }

  function expand(list, synonyms) {
    // "bhxh" -> "bao hiem xa hoi", "1" -> "mot": the bank writes words, people type short forms.
    var out = [];
    list.forEach(function (word) {
      var replaced = synonyms[word];
      if (replaced) { Array.prototype.push.apply(out, replaced.split(" ")); } else { out.push(word); }
    });
    return out;
  }

  function termsOf(text, synonyms) {
    var list = expand(words(fold(text)), synonyms);
    return { words: list, all: list.concat(pairs(list)) };
  }

  function within(a, b) {
    // True when a and b differ by at most one letter (added, dropped, changed or two swapped).
    if (Math.abs(a.length - b.length) > 1 || a === b) { return a === b; }
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) { i++; }
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function prepare(index) {
    var synonyms = index.synonyms || {};
    var documents = index.entries.map(function (entry) {
      var fields = {};
      Object.keys(FIELD_WEIGHTS).forEach(function (name) {
        var set = {};
        (entry.fields[name] || []).forEach(function (text) {
          termsOf(text, synonyms).all.forEach(function (term) { set[term] = true; });
        });
        fields[name] = set;
      });
      return { entry: entry, fields: fields };
    });
    var frequency = {};
    documents.forEach(function (doc) {
      var seen = {};
      Object.keys(doc.fields).forEach(function (name) {
        Object.keys(doc.fields[name]).forEach(function (term) { seen[term] = true; });
      });
      Object.keys(seen).forEach(function (term) { frequency[term] = (frequency[term] || 0) + 1; });
    });
    var total = documents.length;
    var idf = {};
    Object.keys(frequency).forEach(function (term) {
      idf[term] = Math.log(1 + (total - frequency[term] + 0.5) / (frequency[term] + 0.5));
    });
    var vocabulary = Object.keys(idf).filter(function (term) { return term.indexOf(" ") < 0 && term.length >= 3; });
    return { documents: documents, idf: idf, vocabulary: vocabulary, synonyms: synonyms, hotline: index.hotline };
  }

  function mend(word, prepared) {
    if (prepared.idf[word] !== undefined || word.length < 3 || /^[0-9]+$/.test(word)) { return word; }
    var best = null;
    prepared.vocabulary.forEach(function (known) {
      if (within(word, known) && (best === null || prepared.idf[known] > prepared.idf[best])) { best = known; }
    });
    return best || word;
  }

  function rank(prepared, query, audience) {
    // Every entry with its score and the share of the query's weight it covers, best first.
    var raw = words(fold(query));
    var list = expand(raw, prepared.synonyms).map(function (w) { return mend(w, prepared); });
    var seen = {};
    var terms = list.concat(pairs(list)).filter(function (t) { return seen[t] ? false : (seen[t] = true); });
    var weightOf = function (term) {
      var value = prepared.idf[term] || 0;
      return term.indexOf(" ") < 0 ? value : value * PAIR_BONUS;
    };
    var possible = 0;
    list.forEach(function (word, i) { if (list.indexOf(word) === i) { possible += prepared.idf[word] || 0; } });
    var results = prepared.documents.map(function (doc) {
      var score = 0, covered = 0;
      terms.forEach(function (term) {
        var best = 0;
        Object.keys(FIELD_WEIGHTS).forEach(function (name) {
          if (doc.fields[name][term]) { best = Math.max(best, FIELD_WEIGHTS[name]); }
        });
        if (best > 0) {
          score += weightOf(term) * best;
          if (term.indexOf(" ") < 0) { covered += prepared.idf[term] || 0; }
        }
      });
      if (audience && doc.entry.audiences[0] === audience) { score *= HOME_BOOST; }
      return { entry: doc.entry, score: score, cover: possible > 0 ? covered / possible : 0 };
    });
    results.sort(function (a, b) { return b.score - a.score || (a.entry.id < b.entry.id ? -1 : 1); });
    return results;
  }

  function search(prepared, query, audience) {
    // The answers worth showing: none when nothing covers enough of the question (the box then offers the hotline).
    return rank(prepared, query, audience).filter(function (r) { return r.score > 0 && r.cover >= MIN_COVER; }).slice(0, SHOWN);
  }

  var api = { fold: fold, prepare: prepare, rank: rank, search: search };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }

  /* --- the box on the page --- */
  function start(form) {
    var input = form.querySelector("input[type=search]");
    var out = form.parentNode.querySelector("[data-hoi-nhanh-results]");
    var t = JSON.parse(form.getAttribute("data-strings"));
    var audience = form.getAttribute("data-audience") || "";
    var loaded = null;
    var load = function () {
      if (!loaded) {
        loaded = fetch(form.getAttribute("data-index")).then(function (r) {
          if (!r.ok) { throw new Error(r.status); }
          return r.json();
        }).then(prepare);
        loaded.catch(function () { loaded = null; });
      }
      return loaded;
    };
    var el = function (tag, text, cls) {
      var node = document.createElement(tag);
      if (text) { node.textContent = text; }
      if (cls) { node.className = cls; }
      return node;
    };
    var hotline = function (prepared, lead) {
      var p = el("p", lead + " ", "hoi-nhanh__hotline");
      var a = el("a", prepared.hotline);
      a.href = "tel:" + prepared.hotline.replace(/\s+/g, "");
      p.appendChild(a);
      return p;
    };
    var show = function (prepared, results) {
      out.textContent = "";
      if (!results.length) {
        out.appendChild(el("p", t.none));
        out.appendChild(hotline(prepared, t.call));
        return;
      }
      out.appendChild(el("p", t.found.replace("{n}", results.length)));
      var list = el("ol", "", "hoi-nhanh__list");
      results.forEach(function (result) {
        var e = result.entry, item = el("li");
        item.appendChild(el("p", e.question, "hoi-nhanh__question"));
        item.appendChild(el("p", e.short));
        if (e.mark) { item.appendChild(el("p", e.mark, "hoi-nhanh__mark")); }
        var meta = el("p", "", "hoi-nhanh__meta");
        var link = el("a", t.more);
        link.href = form.getAttribute("data-root") + e.url;
        meta.appendChild(link);
        meta.appendChild(document.createTextNode(" · " + t.basis + ": " + e.basis + " · " + t.since + ": " + e.since));
        item.appendChild(meta);
        list.appendChild(item);
      });
      out.appendChild(list);
      out.appendChild(hotline(prepared, t.still));
    };
    input.addEventListener("focus", load, { once: true });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value.trim();
      if (!query) { out.textContent = t.empty; return; }
      out.textContent = t.searching;
      load().then(function (prepared) { show(prepared, search(prepared, query, audience)); },
        function () { out.textContent = t.offline; });
    });
  }
  var forms = root.document ? root.document.querySelectorAll("form[data-hoi-nhanh]") : [];
  Array.prototype.forEach.call(forms, start);
})(this);
