// Replay page: the transcript follows playback and seeks on click, a language switch
// changes both the subtitles shown and the transcript, `#t=SECONDS` (recording time)
// seeks on load. No inline script and no external resources, so a strict
// Content-Security-Policy holds. All text comes from the page or the tracks and is
// only ever set with textContent.
//
// Interpreter audio: when the language chosen has an interpreter channel (and this
// session's text in it is, at least in part, the interpreter's), the page plays that
// channel's session audio (#interpreter) in step with the player and mutes the
// player (the floor). The "Audio:" switch shows which is heard and lets the viewer
// choose the other (`?audio=floor` or `?audio=es` keeps a choice in a link); choosing
// a language again follows it. Play, pause, seeking, rate and volume of the player
// drive the interpreter; a drift over MAX_DRIFT seconds is corrected. Unmuting the
// player while the interpreter plays goes back to the floor. Across a session
// boundary the interpreter continues with the next session's cut, where there is one.
(function () {
  "use strict";
  var root = document.getElementById("replay");
  var media = document.getElementById("player");
  if (!root) return;

  var offset = parseFloat(root.getAttribute("data-offset")) || 0; // recording time of player 0
  var sessionStart = parseFloat(root.getAttribute("data-start")) || 0;
  var sessionEnd = parseFloat(root.getAttribute("data-end")) || Infinity;
  var thisSession = root.getAttribute("data-session");
  var panels = {};
  Array.prototype.forEach.call(root.querySelectorAll(".transcript"), function (panel) {
    panels[panel.getAttribute("data-lang")] = panel;
  });
  var buttons = root.querySelectorAll(".langs button[data-lang]");
  var current = null; // highlighted passage
  var lang = null;

  var MAX_DRIFT = 0.25; // s: the interpreter is put back in step beyond this
  var interp = document.getElementById("interpreter");
  var audioBox = document.getElementById("audio-switch");
  var choice = document.getElementById("audio-choice");
  var audioNote = document.getElementById("audio-note");
  var spans = Array.prototype.map.call(root.querySelectorAll(".channel-spans li"), function (li) {
    return {
      lang: li.getAttribute("data-lang"),
      start: parseFloat(li.getAttribute("data-start")),
      end: parseFloat(li.getAttribute("data-end")),
      src: li.getAttribute("data-src"),
    };
  });
  var follows = audioBox ? (audioBox.getAttribute("data-follow") || "").split(" ") : [];
  var audioLang = ""; // the interpreter chosen, "" for the floor
  var live = null; // the channel span playing now
  var mutedByPage = false; // the player is muted by us, not by the viewer
  var awaiting = false; // for the interpreter's metadata

  // "12.5", "1:02.5", "01:02:03" -> seconds; null when unreadable.
  function parseTime(text) {
    if (!text) return null;
    text = String(text).replace(/^npt:/, "").split(",")[0];
    if (!/^\d+(:\d+){0,2}(\.\d+)?$/.test(text)) return null;
    return text.split(":").reduce(function (acc, part) {
      return acc * 60 + parseFloat(part);
    }, 0);
  }

  function hashTime() {
    var hash = window.location.hash.replace(/^#/, "");
    if (!hash) return null;
    var params = new URLSearchParams(hash);
    return parseTime(params.get("t"));
  }

  function recordingTime() {
    return media ? media.currentTime + offset : 0;
  }

  // Seek to a recording time; before the metadata is there, once it is.
  function seek(seconds, play) {
    if (!media || seconds === null || isNaN(seconds)) return;
    var target = Math.max(0, seconds - offset);
    var apply = function () {
      media.currentTime = target;
      if (play) {
        var promise = media.play();
        if (promise && promise.catch) promise.catch(function () {});
      }
      follow();
    };
    if (media.readyState >= 1) apply();
    else media.addEventListener("loadedmetadata", apply, { once: true });
  }

  function subtitleTracks() {
    if (!media) return [];
    return Array.prototype.filter.call(media.textTracks, function (track) {
      return track.kind === "subtitles" || track.kind === "captions";
    });
  }

  // -- interpreter audio -------------------------------------------------------------

  function spanAt(code, t) {
    for (var i = 0; i < spans.length; i++) {
      var span = spans[i];
      if (span.lang === code && t >= span.start - 0.01 && t < span.end) return span;
    }
    return null;
  }

  function hasChannel(code) {
    return !!choice && !!choice.querySelector('option[value="' + CSS.escape(code) + '"]');
  }

  function quietly(promise) {
    if (promise && promise.catch) promise.catch(function () {});
  }

  function floorOn() {
    if (mutedByPage) {
      mutedByPage = false;
      media.muted = false;
    }
  }

  function floorOff() {
    if (!media.muted) {
      mutedByPage = true;
      media.muted = true;
    }
  }

  // Put the interpreter where the player is (or the floor back when there is no
  // interpreter audio here); `force` places it even when it is within MAX_DRIFT.
  function syncAudio(force) {
    if (!interp || !media) return;
    var t = recordingTime();
    var span = audioLang ? spanAt(audioLang, t) : null;
    if (!span) {
      if (live) {
        live = null;
        interp.pause();
      }
      floorOn();
      root.setAttribute("data-audio-playing", "floor");
      if (audioNote) {
        audioNote.textContent = audioLang ? "no interpreter audio here: the floor plays" : "";
      }
      return;
    }
    if (span !== live) {
      live = span;
      if (interp.getAttribute("src") !== span.src) {
        interp.setAttribute("src", span.src);
        interp.load();
      }
      force = true;
    }
    floorOff();
    root.setAttribute("data-audio-playing", span.lang);
    if (audioNote) audioNote.textContent = "";
    interp.volume = media.volume;
    interp.playbackRate = media.playbackRate;
    if (interp.readyState < 1) {
      if (!awaiting) {
        awaiting = true;
        interp.addEventListener("loadedmetadata", function () {
          awaiting = false;
          syncAudio(true);
        }, { once: true });
      }
      return;
    }
    var want = Math.max(0, t - span.start);
    if (force || Math.abs(interp.currentTime - want) > MAX_DRIFT) interp.currentTime = want;
    if (media.paused || media.seeking || media.ended) {
      if (!interp.paused) interp.pause();
    } else if (interp.paused) {
      quietly(interp.play());
    }
  }

  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
    window.history.replaceState(window.history.state, "", url.toString());
  }

  // Hear `code`'s interpreter ("" = the floor); `chosen`: the viewer picked it in the
  // switch, so a link keeps it (?audio=), else it follows the subtitle language.
  function setAudio(code, chosen) {
    if (!choice) return;
    audioLang = code && hasChannel(code) ? code : "";
    choice.value = audioLang;
    root.setAttribute("data-audio", audioLang || "floor");
    setParam("audio", chosen ? audioLang || "floor" : null);
    carryChoices();
    syncAudio(true);
  }

  function followLanguage(code) {
    setAudio(follows.indexOf(code) >= 0 ? code : "", false);
  }

  // On a page with interpreter audio, links to the other sessions of the recording
  // keep the language (and an audio chosen) along, so a jump goes on as it was.
  function carryChoices() {
    var here = new URL(window.location.href).searchParams;
    var query = ["lang", "audio"]
      .filter(function (name) { return here.get(name); })
      .map(function (name) { return name + "=" + encodeURIComponent(here.get(name)); })
      .join("&");
    Array.prototype.forEach.call(root.querySelectorAll(".chapters li a"), function (link) {
      var href = link.getAttribute("data-href") || link.getAttribute("href");
      link.setAttribute("data-href", href);
      link.setAttribute("href", href.split("?")[0] + (query ? "?" + query : ""));
    });
    var elsewhere = document.getElementById("elsewhere-link");
    var slug = elsewhere && elsewhere.getAttribute("data-slug");
    var item = slug && root.querySelector('.chapters li[data-slug="' + CSS.escape(slug) + '"] a');
    if (item) elsewhere.setAttribute("href", item.getAttribute("href"));
  }

  function watchAudio() {
    if (!interp || !media || !choice) return;
    audioBox.hidden = false;
    choice.addEventListener("change", function () {
      setAudio(choice.value, true);
    });
    ["play", "playing", "seeked", "timeupdate"].forEach(function (name) {
      media.addEventListener(name, function () {
        syncAudio(name === "seeked");
      });
    });
    ["pause", "waiting", "seeking", "ended"].forEach(function (name) {
      media.addEventListener(name, function () {
        if (!interp.paused) interp.pause();
      });
    });
    media.addEventListener("ratechange", function () {
      interp.playbackRate = media.playbackRate;
    });
    media.addEventListener("volumechange", function () {
      interp.volume = media.volume;
      if (live && !media.muted) {
        // the viewer unmuted the player: they want to hear the floor
        mutedByPage = false;
        setAudio("", true);
      }
    });
  }

  // An audio player draws no subtitles: the page shows the cue itself, as text.
  var captions = document.getElementById("captions");
  function showCaption() {
    if (!captions) return;
    var lines = [];
    subtitleTracks().forEach(function (track) {
      if (track.mode !== "showing" || !track.activeCues) return;
      captions.lang = track.language;
      Array.prototype.forEach.call(track.activeCues, function (cue) {
        lines.push(cue.getCueAsHTML().textContent); // parsed by the browser: text only
      });
    });
    captions.textContent = lines.join("\n");
  }
  if (captions) {
    subtitleTracks().forEach(function (track) {
      track.addEventListener("cuechange", showCaption);
    });
  }

  // Sources this browser cannot play are left to the download links (an MKV copy);
  // with none left the player says so and the links stay.
  if (media) {
    Array.prototype.forEach.call(media.querySelectorAll("source[type]"), function (source) {
      if (!media.canPlayType(source.getAttribute("type"))) source.remove();
    });
  }

  function setLanguage(code, fromTracks) {
    if (!panels[code]) return;
    lang = code;
    Object.keys(panels).forEach(function (key) {
      panels[key].hidden = key !== code;
    });
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
    });
    if (!fromTracks) {
      subtitleTracks().forEach(function (track) {
        track.mode = track.language === code ? "showing" : "disabled";
      });
    }
    root.setAttribute("data-lang", code);
    if (current) {
      current.classList.remove("current");
      current.removeAttribute("aria-current");
    }
    setParam("lang", code);
    current = null;
    follow();
    showCaption();
    if (media) followLanguage(code);
  }

  // Who is speaking now: the current passage's speaker (the person on the floor, also
  // when the passage is their interpreter's or a translation).
  var speakingLine = document.getElementById("speaking");
  function speaking(passage) {
    if (!speakingLine) return;
    var name = passage ? passage.getAttribute("data-speaker") : null;
    speakingLine.hidden = !name;
    if (name) speakingLine.querySelector(".name").textContent = name;
  }

  // Highlight the passage being spoken and keep it in view inside the panel.
  function follow() {
    var panel = panels[lang];
    if (!panel || !media) return;
    var t = recordingTime();
    var found = null;
    var items = panel.querySelectorAll(".passage");
    for (var i = 0; i < items.length; i++) {
      if (parseFloat(items[i].getAttribute("data-start")) <= t + 0.05) found = items[i];
      else break;
    }
    if (found && (t > sessionEnd || t > parseFloat(found.getAttribute("data-end")) + 3)) {
      found = null; // between passages after a long pause, or past the session
    }
    if (found === current) return;
    if (current) {
      current.classList.remove("current");
      current.removeAttribute("aria-current");
    }
    current = found;
    speaking(found);
    if (!found) return;
    found.classList.add("current");
    found.setAttribute("aria-current", "true");
    var top = found.offsetTop - panel.offsetTop;
    if (top < panel.scrollTop || top + found.offsetHeight > panel.scrollTop + panel.clientHeight) {
      panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
    }
  }

  // Chapters track (one cue per session, id = session slug): mark the session playing
  // and offer a link when playback has moved on to another session.
  function watchChapters() {
    var chapters = Array.prototype.filter.call(media.textTracks, function (track) {
      return track.kind === "chapters";
    })[0];
    if (!chapters) return;
    chapters.mode = "hidden";
    var notice = document.getElementById("elsewhere");
    var link = document.getElementById("elsewhere-link");
    chapters.addEventListener("cuechange", function () {
      // At a boundary two chapters are active: the one just starting wins.
      var cue = null;
      Array.prototype.forEach.call(chapters.activeCues || [], function (active) {
        if (!cue || active.startTime > cue.startTime) cue = active;
      });
      var slug = cue ? cue.id : null;
      Array.prototype.forEach.call(root.querySelectorAll(".chapters li"), function (li) {
        li.classList.toggle("playing", li.getAttribute("data-slug") === slug);
      });
      var item = slug && root.querySelector('.chapters li[data-slug="' + CSS.escape(slug) + '"] a');
      if (notice && link && slug && slug !== thisSession) {
        link.textContent = item ? item.textContent : cue.text;
        link.href = item ? item.getAttribute("href") : "#";
        link.setAttribute("data-slug", slug);
        notice.hidden = false;
      } else if (notice) {
        notice.hidden = true;
      }
    });
  }

  // A link's ?lang= first; else the viewer's language, by the browser's preferences,
  // when the session has it; else the page's own (the session's original).
  function initialLanguage() {
    var wanted = new URLSearchParams(window.location.search).get("lang");
    if (wanted && panels[wanted]) return wanted;
    var preferred = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < preferred.length; i++) {
      var code = String(preferred[i] || "").toLowerCase().split("-")[0];
      if (code && panels[code]) return code;
    }
    return root.getAttribute("data-lang");
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      setLanguage(button.getAttribute("data-lang"), false);
    });
  });

  Object.keys(panels).forEach(function (key) {
    panels[key].addEventListener("click", function (event) {
      var item = event.target.closest(".passage");
      if (!item || (event.target.closest("a") && !event.target.closest(".stamp"))) return;
      event.preventDefault();
      var start = parseFloat(item.getAttribute("data-start"));
      window.history.replaceState(window.history.state, "", "#t=" + item.getAttribute("data-start"));
      seek(start, true);
    });
  });

  window.addEventListener("hashchange", function () {
    seek(hashTime(), false);
  });

  var wantedAudio = new URLSearchParams(window.location.search).get("audio");
  watchAudio();
  setLanguage(initialLanguage(), false);
  if (wantedAudio) setAudio(wantedAudio === "floor" ? "" : wantedAudio, true);

  if (media) {
    // The native captions menu changes tracks too: follow it with the transcript.
    media.textTracks.addEventListener("change", function () {
      var showing = subtitleTracks().filter(function (track) {
        return track.mode === "showing";
      })[0];
      if (showing && showing.language !== lang && panels[showing.language]) {
        setLanguage(showing.language, true);
      }
    });
    ["timeupdate", "seeked"].forEach(function (name) {
      media.addEventListener(name, follow);
    });
    watchChapters();
    var start = hashTime();
    seek(start === null ? sessionStart : start, false);
  }
})();
