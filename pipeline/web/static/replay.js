// Replay page: the transcript follows playback and seeks on click, a language switch
// changes both the subtitles shown and the transcript, `#t=SECONDS` (recording time)
// seeks on load. No inline script and no external resources, so a strict
// Content-Security-Policy holds. All text comes from the page or the tracks and is
// only ever set with textContent.
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
    var url = new URL(window.location.href);
    url.searchParams.set("lang", code);
    window.history.replaceState(window.history.state, "", url.toString());
    current = null;
    follow();
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
        notice.hidden = false;
      } else if (notice) {
        notice.hidden = true;
      }
    });
  }

  function initialLanguage() {
    var wanted = new URLSearchParams(window.location.search).get("lang");
    if (wanted && panels[wanted]) return wanted;
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

  setLanguage(initialLanguage(), false);

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
