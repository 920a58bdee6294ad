// Subtitle editor of `webconf serve --edit`, on the replay page of the event opened for
// editing. Per cue of the language shown: its text (line breaks allowed), its times
// with ±0.1 s nudges, split at the cursor, merge with the next, delete, and "reviewed".
// Words the recogniser was unsure of (probability under the page's threshold) are
// highlighted in cues no person has reviewed yet; "Next unsure word" seeks the player
// there and selects the word. Clicking or entering a cue seeks the player to it, and
// the cue being played is marked. "Save" sends the language's whole track (session
// seconds) with the page's token; "Apply" saves what is unsaved, has the server run
// the event again, then reloads the page.
//
// Like replay.js: no inline script, no external resource, text only ever set with
// textContent, so the page's strict Content-Security-Policy holds.
(function () {
  "use strict";
  var root = document.getElementById("replay");
  var box = document.getElementById("editor");
  var toggle = document.getElementById("edit-toggle");
  var tokenMeta = document.querySelector('meta[name="webconf-edit-token"]');
  if (!root || !box || !toggle || !tokenMeta) return;

  var token = tokenMeta.getAttribute("content");
  var media = document.getElementById("player");
  var list = document.getElementById("cues");
  var statusLine = document.getElementById("edit-status");
  var nextButton = document.getElementById("next-unsure");
  var saveButton = document.getElementById("save-edit");
  var applyButton = document.getElementById("apply-edit");
  var trackUrl = box.getAttribute("data-track");
  var applyUrl = box.getAttribute("data-apply");
  var offset = parseFloat(root.getAttribute("data-offset")) || 0; // recording time of player 0
  var sessionStart = parseFloat(root.getAttribute("data-start")) || 0;

  var STEP = 0.1; // s, one nudge
  var MIN_CUE = 0.1; // s, the shortest cue a nudge or a split leaves
  var LINE = 42; // characters: a merged text longer than this is set on two lines

  var tracks = {}; // language -> {cues, length, unsure, dirty, source, saved}
  var lang = null;
  var editing = false;
  var selected = -1; // index of the cue being edited
  var playing = -1; // index of the cue the player is in
  var lastTarget = null; // the unsure word jumped to last
  var stopAt = null; // session seconds where "play the cue" pauses
  var quietFocus = false; // focus moved by the editor itself: do not seek
  var busy = false;

  // -- times ---------------------------------------------------------------------------

  function ms3(seconds) {
    return Math.round(seconds * 1000) / 1000;
  }

  function clock(seconds) {
    var ms = Math.max(0, Math.round(seconds * 1000));
    var minutes = Math.floor(ms / 60000);
    var rest = (ms % 60000) / 1000;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest.toFixed(3);
  }

  function playerTime() {
    return media ? media.currentTime + offset - sessionStart : 0; // session seconds
  }

  function seekTo(seconds, play) {
    if (!media) return;
    var target = Math.max(0, sessionStart + seconds - offset);
    var go = function () {
      media.currentTime = target;
      if (play) {
        var promise = media.play();
        if (promise && promise.catch) promise.catch(function () {});
      }
    };
    if (media.readyState >= 1) go();
    else media.addEventListener("loadedmetadata", go, { once: true });
  }

  // -- status and state ----------------------------------------------------------------

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "edit-status" + (kind ? " " + kind : "");
  }

  function anyDirty() {
    return Object.keys(tracks).some(function (code) { return tracks[code].dirty; });
  }

  function touched(cue) {
    cue.reviewed = true; // a cue a person changed is theirs
    tracks[lang].dirty = true;
    box.setAttribute("data-dirty", "true");
  }

  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
    window.history.replaceState(window.history.state, "", url.toString());
  }

  // -- unsure words --------------------------------------------------------------------

  var LETTER = /[\p{L}\p{N}]/u;

  // Where the cue's unsure words are in its text: [{from, to, word}], in order. Words
  // are looked for one after the other; a word the person has changed is not found.
  function marks(cue, threshold) {
    if (cue.reviewed) return [];
    var found = [];
    var text = cue.text;
    var lower = text.toLowerCase();
    var at = 0;
    cue.words.forEach(function (word) {
      var needle = word.text.trim().toLowerCase();
      if (!needle) return;
      var from = lower.indexOf(needle, at);
      while (from >= 0) {
        var before = from > 0 ? text.charAt(from - 1) : "";
        var after = text.charAt(from + needle.length);
        var edgeBefore = !before || !LETTER.test(before) || !LETTER.test(needle.charAt(0));
        var edgeAfter = !after || !LETTER.test(after) || !LETTER.test(needle.charAt(needle.length - 1));
        if (edgeBefore && edgeAfter) break;
        from = lower.indexOf(needle, from + 1);
      }
      if (from < 0) return;
      at = from + needle.length;
      if (word.p < threshold) found.push({ from: from, to: at, word: word });
    });
    return found;
  }

  // Every unsure word (or, in an uncertain cue without one, the cue) still to review.
  function targets() {
    var track = tracks[lang];
    var out = [];
    track.cues.forEach(function (cue, i) {
      if (cue.reviewed) return;
      var found = marks(cue, track.unsure);
      found.forEach(function (mark) {
        out.push({ t: Math.max(cue.start, mark.word.start), i: i, from: mark.from, to: mark.to, word: mark.word });
      });
      if (!found.length && cue.low) out.push({ t: cue.start, i: i, from: 0, to: 0, word: null });
    });
    out.sort(compare);
    return out;
  }

  function compare(a, b) {
    return a.t - b.t || a.i - b.i || a.from - b.from;
  }

  function jump(forward) {
    if (!lang || !tracks[lang]) return;
    var all = targets();
    if (!all.length) {
      say("No unsure word left to review in this language.");
      return;
    }
    var now = playerTime();
    var ref = lastTarget && Math.abs(now - lastTarget.t) < 0.5
      ? lastTarget
      : { t: forward ? now - 0.05 : now + 0.05, i: -1, from: -1 };
    var pick = null;
    if (forward) {
      pick = all.filter(function (x) { return compare(x, ref) > 0; })[0] || all[0];
    } else {
      var before = all.filter(function (x) { return compare(x, ref) < 0; });
      pick = before[before.length - 1] || all[all.length - 1];
    }
    if (lastTarget && lastTarget.i !== pick.i) drawMarks(lastTarget.i, null);
    lastTarget = pick;
    seekTo(pick.t, false);
    select(pick.i, { focus: true, seek: false });
    var row = rowOf(pick.i);
    var area = row && row.querySelector("textarea");
    if (area && pick.to > pick.from) area.setSelectionRange(pick.from, pick.to);
    drawMarks(pick.i, pick);
    box.setAttribute("data-unsure-time", String(pick.t));
    var n = all.indexOf(pick) + 1;
    say(pick.word
      ? "Unsure word " + n + " of " + all.length + ": “" + pick.word.text + "” (probability " + pick.word.p.toFixed(2) + ")"
      : "Uncertain cue " + n + " of " + all.length);
  }

  // -- the list ------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(act, text, title) {
    var node = el("button", "act", text);
    node.type = "button";
    node.setAttribute("data-act", act);
    node.title = title;
    node.setAttribute("aria-label", title);
    return node;
  }

  function rowOf(i) {
    return list.querySelector('li.cue[data-i="' + i + '"]');
  }

  function drawMarks(i, current) {
    var row = rowOf(i);
    if (!row) return;
    var cue = tracks[lang].cues[i];
    var back = row.querySelector(".backdrop");
    back.textContent = "";
    var at = 0;
    var found = marks(cue, tracks[lang].unsure);
    found.forEach(function (mark) {
      back.appendChild(document.createTextNode(cue.text.slice(at, mark.from)));
      var node = el("mark", "unsure", cue.text.slice(mark.from, mark.to));
      node.title = "probability " + mark.word.p.toFixed(2);
      if (current && current.i === i && current.from === mark.from) node.classList.add("current");
      back.appendChild(node);
      at = mark.to;
    });
    back.appendChild(document.createTextNode(cue.text.slice(at) + "\u200b"));
    row.setAttribute("data-unsure", String(found.length));
  }

  function drawHead(i) {
    var row = rowOf(i);
    if (!row) return;
    var cue = tracks[lang].cues[i];
    row.setAttribute("data-start", String(cue.start));
    row.setAttribute("data-end", String(cue.end));
    row.querySelector(".start").textContent = clock(cue.start);
    row.querySelector(".end").textContent = clock(cue.end);
    row.querySelector("input.reviewed").checked = cue.reviewed;
    row.classList.toggle("is-reviewed", cue.reviewed);
  }

  function makeRow(cue, i) {
    var row = el("li", "cue");
    row.setAttribute("data-i", String(i));
    row.setAttribute("data-id", cue.id || "");
    if (cue.low) row.classList.add("low");
    var head = el("div", "cue-head");
    head.appendChild(button("play", "▶", "Play this cue (Alt+P)"));
    head.appendChild(el("span", "cue-id", cue.id || "new"));
    var times = el("span", "times");
    times.appendChild(button("start-", "−", "Start 0.1 s earlier (Alt+[)"));
    times.appendChild(el("span", "start"));
    times.appendChild(button("start+", "+", "Start 0.1 s later (Alt+])"));
    times.appendChild(el("span", "arrow", "→"));
    times.appendChild(button("end-", "−", "End 0.1 s earlier (Alt+Shift+[)"));
    times.appendChild(el("span", "end"));
    times.appendChild(button("end+", "+", "End 0.1 s later (Alt+Shift+])"));
    head.appendChild(times);
    var label = el("label", "check");
    var box2 = el("input", "reviewed");
    box2.type = "checkbox";
    label.appendChild(box2);
    label.appendChild(document.createTextNode(" reviewed"));
    head.appendChild(label);
    if (cue.origin && cue.origin !== "original") head.appendChild(el("span", "badge", cue.origin));
    if (cue.low) head.appendChild(el("span", "badge low", "uncertain"));
    var tools = el("span", "cue-tools");
    tools.appendChild(button("split", "Split", "Split at the cursor (Alt+Enter)"));
    tools.appendChild(button("merge", "Merge ↓", "Merge with the next cue (Alt+M)"));
    tools.appendChild(button("delete", "Delete", "Delete this cue"));
    head.appendChild(tools);
    row.appendChild(head);
    var wrap = el("div", "cue-text");
    wrap.appendChild(el("div", "backdrop"));
    var area = el("textarea");
    area.value = cue.text;
    area.spellcheck = true;
    area.setAttribute("lang", lang);
    area.setAttribute("aria-label", "Text of cue " + (cue.id || i + 1));
    wrap.appendChild(area);
    row.appendChild(wrap);
    return row;
  }

  function render() {
    var track = tracks[lang];
    list.textContent = "";
    if (!track) return;
    track.cues.forEach(function (cue, i) {
      list.appendChild(makeRow(cue, i));
      drawHead(i);
      drawMarks(i, null);
    });
    box.setAttribute("data-lang", lang);
    box.setAttribute("data-cues", String(track.cues.length));
    box.setAttribute("data-dirty", track.dirty ? "true" : "false");
    if (selected >= track.cues.length) selected = track.cues.length - 1;
    if (selected >= 0) rowOf(selected).classList.add("selected");
    playing = -1;
    followPlayer();
  }

  function select(i, options) {
    var track = tracks[lang];
    if (!track || i < 0 || i >= track.cues.length) return;
    var old = rowOf(selected);
    if (old) old.classList.remove("selected");
    selected = i;
    var row = rowOf(i);
    row.classList.add("selected");
    if (options.seek) seekTo(track.cues[i].start, false);
    if (options.focus) {
      var area = row.querySelector("textarea");
      if (document.activeElement !== area) {
        quietFocus = true;
        area.focus();
        quietFocus = false;
      }
    }
    keepInView(row);
  }

  function keepInView(row) {
    var top = row.offsetTop;
    if (top < list.scrollTop || top + row.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  // -- editing -------------------------------------------------------------------------

  function nudge(i, which, delta) {
    var track = tracks[lang];
    var cue = track.cues[i];
    if (!cue) return;
    if (which === "start") {
      cue.start = ms3(Math.min(Math.max(0, cue.start + delta), cue.end - MIN_CUE));
    } else {
      cue.end = ms3(Math.max(Math.min(track.length, cue.end + delta), cue.start + MIN_CUE));
    }
    touched(cue);
    drawHead(i);
    seekTo(which === "start" ? cue.start : Math.max(cue.start, cue.end - 1), false);
  }

  function balanced(text) {
    var words = text.split(/\s+/).filter(Boolean);
    var flat = words.join(" ");
    if (flat.length <= LINE || words.length < 2) return flat;
    var best = 1;
    var bestGap = Infinity;
    for (var k = 1; k < words.length; k++) {
      var left = words.slice(0, k).join(" ").length;
      var gap = Math.abs(flat.length - 2 * left);
      if (gap < bestGap) {
        bestGap = gap;
        best = k;
      }
    }
    return words.slice(0, best).join(" ") + "\n" + words.slice(best).join(" ");
  }

  function split(i) {
    var track = tracks[lang];
    var cue = track.cues[i];
    var area = rowOf(i).querySelector("textarea");
    var at = area.selectionStart;
    var left = cue.text.slice(0, at).trim();
    var right = cue.text.slice(at).trim();
    if (!left || !right) {
      say("Put the cursor where the cue should be split, between two words.", "error");
      return;
    }
    if (cue.end - cue.start < 2 * MIN_CUE) {
      say("This cue is too short to split.", "error");
      return;
    }
    // at the first word on the right when the words are known, else by characters
    var shown = cue.text.split(/\s+/).filter(Boolean);
    var t = null;
    if (shown.length === cue.words.length) {
      var n = left.split(/\s+/).filter(Boolean).length;
      t = cue.words[n] ? cue.words[n].start : null;
    }
    if (t === null) t = cue.start + (cue.end - cue.start) * left.length / (left.length + right.length);
    t = ms3(Math.min(Math.max(t, cue.start + MIN_CUE), cue.end - MIN_CUE));
    var second = {
      id: "", start: t, end: cue.end, text: right, reviewed: true, origin: "person", low: cue.low,
      words: cue.words.filter(function (w) { return (w.start + w.end) / 2 >= t; }),
    };
    cue.words = cue.words.filter(function (w) { return (w.start + w.end) / 2 < t; });
    cue.end = t;
    cue.text = left;
    touched(cue);
    track.cues.splice(i + 1, 0, second);
    render();
    select(i + 1, { focus: true, seek: true });
    say("Split at " + clock(t) + ".");
  }

  function merge(i) {
    var track = tracks[lang];
    var cue = track.cues[i];
    var next = track.cues[i + 1];
    if (!next) {
      say("The last cue has no next cue to merge with.", "error");
      return;
    }
    cue.text = balanced(cue.text + " " + next.text);
    cue.end = Math.max(cue.end, next.end);
    cue.words = cue.words.concat(next.words);
    cue.low = cue.low || next.low;
    touched(cue);
    track.cues.splice(i + 1, 1);
    render();
    select(i, { focus: true, seek: false });
    say("Merged with the next cue.");
  }

  function remove(i) {
    var track = tracks[lang];
    if (track.cues.length <= 1) {
      say("A track keeps at least one cue.", "error");
      return;
    }
    track.cues.splice(i, 1);
    track.dirty = true;
    render();
    select(Math.min(i, track.cues.length - 1), { focus: true, seek: false });
    say("Cue deleted (saving makes it so).");
  }

  function setReviewed(i, value) {
    var cue = tracks[lang].cues[i];
    if (!cue) return;
    cue.reviewed = value;
    tracks[lang].dirty = true;
    box.setAttribute("data-dirty", "true");
    drawHead(i);
    drawMarks(i, null);
  }

  function playCue(i) {
    var cue = tracks[lang].cues[i];
    if (!cue || !media) return;
    stopAt = cue.end;
    seekTo(cue.start, true);
  }

  function act(name, i) {
    if (name === "play") playCue(i);
    else if (name === "start-") nudge(i, "start", -STEP);
    else if (name === "start+") nudge(i, "start", STEP);
    else if (name === "end-") nudge(i, "end", -STEP);
    else if (name === "end+") nudge(i, "end", STEP);
    else if (name === "split") split(i);
    else if (name === "merge") merge(i);
    else if (name === "delete") remove(i);
  }

  function indexOf(node) {
    var row = node && node.closest("li.cue");
    return row ? parseInt(row.getAttribute("data-i"), 10) : -1;
  }

  list.addEventListener("click", function (event) {
    var i = indexOf(event.target);
    if (i < 0) return;
    var control = event.target.closest("button[data-act]");
    if (control) {
      if (i !== selected) select(i, { focus: false, seek: false });
      act(control.getAttribute("data-act"), i);
      return;
    }
    if (event.target.closest("textarea, input, label")) return;
    select(i, { focus: false, seek: true });
  });

  list.addEventListener("focusin", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var i = indexOf(event.target);
    if (i !== selected) select(i, { focus: false, seek: !quietFocus });
  });

  list.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var i = indexOf(event.target);
    var cue = tracks[lang].cues[i];
    cue.text = event.target.value;
    touched(cue);
    drawHead(i);
    drawMarks(i, null);
  });

  list.addEventListener("change", function (event) {
    if (!event.target.classList.contains("reviewed")) return;
    setReviewed(indexOf(event.target), event.target.checked);
  });

  // -- the player follows --------------------------------------------------------------

  function followPlayer() {
    var track = tracks[lang];
    if (!track || !media) return;
    var t = playerTime();
    if (stopAt !== null && t >= stopAt - 0.02 && !media.paused) {
      media.pause();
      stopAt = null;
    }
    var found = -1;
    for (var i = 0; i < track.cues.length; i++) {
      if (track.cues[i].start <= t + 0.001 && t < track.cues[i].end) found = i;
    }
    if (found === playing) return;
    var old = rowOf(playing);
    if (old) old.classList.remove("playing");
    playing = found;
    var row = rowOf(found);
    if (!row) return;
    row.classList.add("playing");
    if (!list.contains(document.activeElement)) keepInView(row);
  }

  if (media) {
    ["timeupdate", "seeked"].forEach(function (name) {
      media.addEventListener(name, followPlayer);
    });
    media.addEventListener("pause", function () { stopAt = null; });
  }

  // -- loading, saving, applying -------------------------------------------------------

  function cueFrom(raw) {
    return {
      id: raw.id, start: raw.start, end: raw.end, text: raw.text, reviewed: raw.reviewed,
      origin: raw.origin, low: raw.low_confidence, words: raw.words || [],
    };
  }

  function load(code) {
    say("Loading…");
    return fetch(trackUrl + "/" + encodeURIComponent(code), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(answer).then(function (data) {
      tracks[code] = {
        cues: data.cues.map(cueFrom), length: data.length, unsure: data.unsure_below,
        dirty: false, source: data.source, saved: data.saved,
      };
      showVoices(data.voices);
      if (code !== lang) return;
      selected = -1;
      lastTarget = null;
      render();
      box.setAttribute("data-source", data.source);
      say(data.source === "saved"
        ? "Showing the correction saved in " + data.saved + ", not applied yet."
        : "Editing the published " + code + " subtitles.");
    }).catch(function (error) {
      say(error.message, "error");
    });
  }

  function answer(response) {
    return response.json().catch(function () {
      return { error: "HTTP " + response.status };
    }).then(function (data) {
      if (!response.ok) throw new Error(data.error || "HTTP " + response.status);
      return data;
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      referrerPolicy: "same-origin", // the page says no-referrer; the server checks Origin
      headers: { "Content-Type": "application/json", "X-Edit-Token": token, Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(answer);
  }

  // -- speakers: a name for each voice of the session, saved beside the manifest ----------

  var voicesBox = document.getElementById("voices");
  var voiceList = document.getElementById("voice-list");
  var voicesUrl = box.getAttribute("data-voices");

  function showVoices(voices) {
    if (!voicesBox) return;
    voiceList.textContent = "";
    (voices || []).forEach(function (voice) {
      var label = el("label", "voice");
      label.appendChild(el("span", "voice-label", voice.voice));
      var input = el("input", "voice-name");
      input.type = "text";
      input.maxLength = 200;
      input.setAttribute("data-voice", voice.voice);
      input.value = voice.name === voice.voice ? "" : voice.name;
      input.placeholder = "a name for " + voice.voice;
      label.appendChild(input);
      voiceList.appendChild(label);
    });
    voicesBox.hidden = !(voices && voices.length);
  }

  function saveVoices() {
    if (busy) return;
    var names = {};
    voiceList.querySelectorAll("input.voice-name").forEach(function (input) {
      names[input.getAttribute("data-voice")] = input.value.trim();
    });
    busy = true;
    say("Saving the names…");
    post(voicesUrl, { voices: names }).then(function (data) {
      say(data.message, "ok");
    }).catch(function (error) {
      say(error.message, "error");
    }).then(function () {
      busy = false;
    });
  }

  var saveVoicesButton = document.getElementById("save-voices");
  if (saveVoicesButton) saveVoicesButton.addEventListener("click", saveVoices);

  function save(code) {
    var track = tracks[code];
    var empty = track.cues.findIndex(function (cue) { return !cue.text.trim(); });
    if (empty >= 0) {
      if (code === lang) select(empty, { focus: true, seek: true });
      return Promise.reject(new Error("Cue " + (empty + 1) + " has no text: write some or delete it."));
    }
    var body = {
      cues: track.cues.map(function (cue) {
        return { start: ms3(cue.start), end: ms3(cue.end), text: cue.text, reviewed: !!cue.reviewed };
      }),
    };
    return post(trackUrl + "/" + encodeURIComponent(code) + "/save", body).then(function (data) {
      track.dirty = false;
      track.source = "saved";
      track.saved = data.saved;
      if (code === lang) {
        box.setAttribute("data-dirty", "false");
        box.setAttribute("data-source", "saved");
      }
      return data;
    });
  }

  function saveShown() {
    if (busy || !lang || !tracks[lang]) return;
    busy = true;
    say("Saving…");
    save(lang).then(function (data) {
      say(data.message, "ok");
    }).catch(function (error) {
      say(error.message, "error");
    }).then(function () {
      busy = false;
    });
  }

  function apply() {
    if (busy) return;
    busy = true;
    [nextButton, saveButton, applyButton].forEach(function (b) { b.disabled = true; });
    var dirty = Object.keys(tracks).filter(function (code) { return tracks[code].dirty; });
    var chain = Promise.resolve();
    dirty.forEach(function (code) {
      chain = chain.then(function () { return save(code); });
    });
    chain.then(function () {
      say("Applying: the event runs again with the corrections (this can take a while)…");
      box.setAttribute("data-applying", "true");
      return post(applyUrl, {});
    }).then(function (data) {
      say(data.message + " Reloading…", "ok");
      window.location.reload();
    }).catch(function (error) {
      box.removeAttribute("data-applying");
      say(error.message, "error");
      busy = false;
      [nextButton, saveButton, applyButton].forEach(function (b) { b.disabled = false; });
    });
  }

  // -- edit mode, language, keys -------------------------------------------------------

  function setEditing(on) {
    editing = on;
    root.classList.toggle("editing", on);
    box.hidden = !on;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Back to the transcript" : "Edit subtitles";
    setParam("edit", on ? "1" : null);
    if (on) showLanguage(root.getAttribute("data-lang"));
  }

  function showLanguage(code) {
    if (!code || code === lang && tracks[code]) return;
    lang = code;
    selected = -1;
    lastTarget = null;
    if (tracks[code]) render();
    else {
      list.textContent = "";
      load(code);
    }
  }

  new MutationObserver(function () {
    if (editing) showLanguage(root.getAttribute("data-lang"));
  }).observe(root, { attributes: true, attributeFilter: ["data-lang"] });

  toggle.addEventListener("click", function () { setEditing(!editing); });
  nextButton.addEventListener("click", function () { jump(true); });
  saveButton.addEventListener("click", saveShown);
  applyButton.addEventListener("click", apply);

  function current() {
    if (selected >= 0) return selected;
    return playing >= 0 ? playing : 0;
  }

  document.addEventListener("keydown", function (event) {
    if (!editing || !lang || !tracks[lang]) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      saveShown();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey || !tracks[lang].cues.length) return;
    var i = current();
    var handled = true;
    switch (event.code) {
      case "KeyN": jump(!event.shiftKey); break;
      case "BracketLeft": nudge(i, event.shiftKey ? "end" : "start", -STEP); break;
      case "BracketRight": nudge(i, event.shiftKey ? "end" : "start", STEP); break;
      case "Enter": split(i); break;
      case "KeyM": merge(i); break;
      case "KeyR": setReviewed(i, !tracks[lang].cues[i].reviewed); break;
      case "KeyP": playCue(i); break;
      case "ArrowUp": select(Math.max(0, i - 1), { focus: true, seek: true }); break;
      case "ArrowDown": select(Math.min(tracks[lang].cues.length - 1, i + 1), { focus: true, seek: true }); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  window.addEventListener("beforeunload", function (event) {
    if (anyDirty() && !busy) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  if (new URLSearchParams(window.location.search).get("edit") === "1") setEditing(true);
})();
