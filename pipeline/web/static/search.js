/* The static site's search: runs in the browser over window.WEBCONF_SEARCH (see
 * pipeline/web/search_index.py), with the archive's query syntax and ranking idea:
 *   words (all of them), "a phrase", a trailing * for a prefix (telet*),
 *   OR between two terms, -word or NOT word to exclude;
 *   letters compared without case or accents; BM25 ranking, the best version of
 *   each passage first (the original on a tie), its other languages under it.
 * Results are built with DOM calls (textContent), never as HTML from the text. */
(function () {
  "use strict";
  var data = window.WEBCONF_SEARCH;
  var LIMIT = 50;
  var K1 = 1.2, B = 0.75;
  var ORIGINS = {
    o: ["", "what was said"],
    i: ["interp", "interpreted"],
    m: ["mt", "machine translation"],
    p: ["person", "by a person"]
  };
  var WORD = /[\p{L}\p{N}\p{Co}]+/gu;

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function tokens(text) {
    var out = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      out.push({ at: m.index, end: m.index + m[0].length, word: fold(m[0]) });
    }
    return out;
  }

  // ---- the query: [[term, ...] (OR), ...] (AND), and terms to exclude
  function lex(query) {
    var out = [];
    var i = 0, n = query.length;
    query = query.replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"');
    while (i < n) {
      var c = query[i];
      if (/\s/.test(c)) { i++; continue; }
      var negated = false;
      if (c === "-" && i + 1 < n && !/\s/.test(query[i + 1])) { negated = true; i++; c = query[i]; }
      var body;
      if (c === '"') {
        var close = query.indexOf('"', i + 1);
        if (close < 0) throw new Error("a quote is not closed");
        body = query.slice(i + 1, close);
        i = close + 1;
      } else {
        var start = i;
        while (i < n && !/\s/.test(query[i]) && query[i] !== '"') i++;
        body = query.slice(start, i);
        if (!negated && (body === "OR" || body === "AND" || body === "NOT")) { out.push(body); continue; }
        body = body.replace(/\*+$/, "*");
      }
      var prefix = false;
      if (body.slice(-1) === "*") { prefix = true; body = body.slice(0, -1); }
      while (i < n && query[i] === "*") { prefix = true; i++; }
      var words = tokens(body).map(function (t) { return t.word; });
      if (words.length) out.push({ words: words, prefix: prefix, negated: negated });
    }
    return out;
  }

  function parse(query) {
    var lexed = lex(query);
    var groups = [], excluded = [];
    var pendingOr = false, pendingNot = false;
    lexed.forEach(function (t) {
      if (t === "OR") {
        if (!groups.length || pendingOr) throw new Error("OR needs a term on each side");
        pendingOr = true;
      } else if (t === "NOT") {
        pendingNot = true;
      } else if (t !== "AND") {
        if (pendingNot || t.negated) { excluded.push(t); pendingNot = false; pendingOr = false; }
        else if (pendingOr) { groups[groups.length - 1].push(t); pendingOr = false; }
        else groups.push([t]);
      }
    });
    if (pendingOr) throw new Error("OR needs a term on each side");
    if (pendingNot) throw new Error("NOT needs a term after it");
    if (!groups.length) throw new Error(excluded.length ? "say what to find, not only what to leave out" : "no word to search for");
    return { groups: groups, excluded: excluded };
  }

  // Where a term occurs in a passage's tokens: [[first, last], ...]
  function occurrences(term, toks) {
    var found = [];
    var k = term.words.length;
    for (var i = 0; i + k <= toks.length; i++) {
      var ok = true;
      for (var j = 0; j < k && ok; j++) {
        var w = toks[i + j].word, q = term.words[j];
        ok = (term.prefix && j === k - 1) ? w.lastIndexOf(q, 0) === 0 : w === q;
      }
      if (ok) found.push([i, i + k - 1]);
    }
    return found;
  }

  // ---- the index, read once
  var passages = (data ? data.passages : []).map(function (p, n) {
    return { n: n, session: p[0], lang: p[1], start: p[2], text: p[3], origin: p[4], speaker: p[5], toks: tokens(p[3]) };
  });
  var avgdl = passages.reduce(function (s, p) { return s + p.toks.length; }, 0) / (passages.length || 1);
  var versions = {}; // session + start -> the passage in every language
  passages.forEach(function (p) {
    var key = p.session + "@" + p.start;
    (versions[key] = versions[key] || []).push(p);
  });

  function search(query, lang, eventSlug) {
    var q = parse(query);
    var pool = passages.filter(function (p) {
      return (!lang || p.lang === lang) &&
        (!eventSlug || data.events[data.sessions[p.session][0]].slug === eventSlug);
    });
    var matched = [];
    var df = new Map();
    pool.forEach(function (p) {
      if (q.excluded.some(function (t) { return occurrences(t, p.toks).length; })) return;
      var hits = [];
      for (var g = 0; g < q.groups.length; g++) {
        var any = false;
        q.groups[g].forEach(function (t) {
          var occ = occurrences(t, p.toks);
          if (occ.length) { any = true; hits.push([t, occ]); }
        });
        if (!any) return;
      }
      hits.forEach(function (h) { df.set(h[0], (df.get(h[0]) || 0) + 1); });
      matched.push({ p: p, hits: hits });
    });
    var N = pool.length;
    matched.forEach(function (m) {
      var dl = m.p.toks.length;
      m.score = m.hits.reduce(function (s, h) {
        var n = df.get(h[0]);
        var idf = Math.log((N - n + 0.5) / (n + 0.5) + 1);
        var tf = h[1].length;
        return s + idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl));
      }, 0);
    });
    // The best version of each passage, the original on a tie.
    var best = {};
    matched.forEach(function (m) {
      var key = m.p.session + "@" + m.p.start;
      var now = best[key];
      if (!now || m.score > now.score || (m.score === now.score && m.p.origin === "o" && now.p.origin !== "o")) best[key] = m;
    });
    return Object.keys(best).map(function (k) { return best[k]; }).sort(function (a, b) {
      var ea = data.events[data.sessions[a.p.session][0]], eb = data.events[data.sessions[b.p.session][0]];
      return (b.score - a.score) || (eb.date > ea.date ? 1 : eb.date < ea.date ? -1 : 0) ||
        (a.p.session - b.p.session) || (a.p.start - b.p.start);
    });
  }

  // ---- the page
  function clock(seconds) {
    var s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var two = function (x) { return (x < 10 ? "0" : "") + x; };
    return (h ? h + ":" + two(m) : two(m)) + ":" + two(s % 60);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function marked(p, hits) {
    var spans = [];
    hits.forEach(function (h) {
      h[1].forEach(function (o) { spans.push([p.toks[o[0]].at, p.toks[o[1]].end]); });
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var out = el("p", "snippet");
    var at = 0;
    spans.forEach(function (s) {
      if (s[0] < at) return;
      out.appendChild(document.createTextNode(p.text.slice(at, s[0])));
      out.appendChild(el("mark", "", p.text.slice(s[0], s[1])));
      at = s[1];
    });
    out.appendChild(document.createTextNode(p.text.slice(at)));
    return out;
  }

  function languageName(code) {
    var found = data.languages.filter(function (l) { return l[0] === code; })[0];
    return found ? found[1] : code;
  }

  function result(m) {
    var p = m.p;
    var session = data.sessions[p.session];
    var event = data.events[session[0]];
    var li = el("li", "result");
    li.lang = p.lang;
    var where = el("p", "where");
    var link = el("a", "hit", session[3] + ". " + session[1]);
    link.href = session[2] + "?lang=" + encodeURIComponent(p.lang) + "#t=" + p.start;
    where.appendChild(link);
    where.appendChild(document.createTextNode(" "));
    where.appendChild(el("span", "time", clock(p.start)));
    if (p.speaker >= 0) {
      where.appendChild(document.createTextNode(" "));
      where.appendChild(el("span", "who", data.speakers[p.speaker]));
    }
    var origin = ORIGINS[p.origin] || ORIGINS.o;
    where.appendChild(document.createTextNode(" "));
    where.appendChild(el("span", "badge" + (origin[0] ? " " + origin[0] : ""),
      languageName(p.lang) + (p.origin !== "o" ? ", " + origin[1] : "")));
    li.appendChild(where);
    li.appendChild(marked(p, m.hits));
    (versions[p.session + "@" + p.start] || []).forEach(function (other) {
      if (other === p) return;
      var line = el("p", "translation", languageName(other.lang) + " (" + (ORIGINS[other.origin] || ORIGINS.o)[1] + "): " + other.text);
      line.lang = other.lang;
      li.appendChild(line);
    });
    li.appendChild(el("p", "meta", event.label));
    return li;
  }

  function fill(select, options, chosen) {
    options.forEach(function (o) {
      var option = el("option", "", o[1]);
      option.value = o[0];
      if (o[0] === chosen) option.selected = true;
      select.appendChild(option);
    });
  }

  function run() {
    var form = document.getElementById("site-search");
    var out = document.getElementById("results");
    var status = document.getElementById("search-status");
    if (!form || !out) return;
    if (!data) {
      status.textContent = "The search index (search-index.js) is missing beside this page.";
      return;
    }
    var params = new URLSearchParams(location.search);
    var query = params.get("q") || "", lang = params.get("lang") || "", eventSlug = params.get("event") || "";
    form.elements.q.value = query;
    fill(form.elements.lang, data.languages, lang);
    fill(form.elements.event, data.events.map(function (e) { return [e.slug, e.label]; }), eventSlug);
    if (data.events.length < 2) form.elements.event.hidden = true;
    form.hidden = false;
    if (!query.trim()) {
      status.textContent = passages.length + " passages in " + data.languages.length + " languages.";
      return;
    }
    var found;
    try {
      found = search(query, lang, eventSlug);
    } catch (err) {
      status.textContent = "Cannot search for that: " + err.message + ".";
      status.className = "error";
      return;
    }
    status.textContent = found.length + " result" + (found.length === 1 ? "" : "s") +
      (found.length > LIMIT ? " (the first " + LIMIT + ")" : "");
    found.slice(0, LIMIT).forEach(function (m) { out.appendChild(result(m)); });
  }

  window.WEBCONF_SEARCH_API = { search: search, parse: parse, fold: fold };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
