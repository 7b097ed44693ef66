// "Listen to this page" (issue 24): the browser reads the page's own words
// aloud with its built-in speech (the Web Speech API), so nothing leaves the
// device. Progressive enhancement: the controls are made here, and only when
// the browser has a voice; without JavaScript or speech there is nothing to
// see. It never starts by itself, and it says what it is doing in a status
// line that screen readers announce politely.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var article = document.querySelector("article[data-listen]");
  if (!synth || !window.SpeechSynthesisUtterance || !article) return;

  // What is read: headings, paragraphs, list items and table cells in the
  // order they come, each once (a paragraph inside a list item is read with
  // the item). Not read: the table of contents, pictures, hidden text, the
  // links to other versions of the page, and these controls.
  var READ = "h1, h2, h3, h4, p, li, dt, dd, th, td, caption, blockquote";
  var SKIP = "nav, figure, svg, [hidden], [aria-hidden='true'], .print-only, .listen, .large-print-link, .summary-link";
  var lang = document.documentElement.lang || "en-GB";

  function pieces() {
    var found = [];
    article.querySelectorAll(READ).forEach(function (element) {
      if (element.closest(SKIP)) return;
      if (element.parentElement.closest(READ)) return; // read with its parent
      var text = element.innerText.replace(/\s+/g, " ").trim();
      if (text) found.push(text);
    });
    return found;
  }

  function voiceFor(voices) {
    var exact = voices.filter(function (voice) { return voice.lang === lang; });
    var base = lang.split("-")[0];
    var near = voices.filter(function (voice) { return (voice.lang || "").split(/[-_]/)[0] === base; });
    return exact[0] || near[0] || null;
  }

  var state = "stopped";
  var queue = [];
  var box, button, stop, status;

  function say(words) {
    // Emptied first, so that the same word twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = words; }, 50);
  }

  function show(next, words) {
    state = next;
    button.textContent = next === "reading" ? "Pause" : next === "paused" ? "Resume" : "Listen to this page";
    stop.hidden = next === "stopped";
    box.setAttribute("data-state", next);
    if (words) say(words);
  }

  function speakNext(voice) {
    if (state !== "reading") return;
    var text = queue.shift();
    if (text === undefined) {
      show("stopped", "Finished reading");
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    if (voice) utterance.voice = voice;
    utterance.onend = function () { speakNext(voice); };
    utterance.onerror = function (event) {
      // A cancel (Stop, or leaving the page) ends the utterance with an error too.
      if (event.error !== "canceled" && event.error !== "interrupted") show("stopped", "Stopped: this browser could not read the page");
    };
    synth.speak(utterance);
  }

  function start() {
    synth.cancel();
    queue = pieces();
    show("reading", "Reading");
    speakNext(voiceFor(synth.getVoices()));
  }

  function build() {
    if (box) return;
    box = document.createElement("div");
    box.className = "listen";
    button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary listen-button";
    stop = document.createElement("button");
    stop.type = "button";
    stop.className = "button secondary listen-stop";
    stop.textContent = "Stop";
    status = document.createElement("p");
    status.className = "listen-status";
    status.setAttribute("role", "status");
    box.appendChild(button);
    box.appendChild(stop);
    box.appendChild(status);
    show("stopped");

    button.addEventListener("click", function () {
      if (state === "stopped") {
        start();
      } else if (state === "reading") {
        synth.pause();
        show("paused", "Paused");
      } else {
        synth.resume();
        show("reading", "Reading");
      }
    });
    stop.addEventListener("click", function () {
      queue = [];
      show("stopped", "Stopped");
      synth.cancel();
      button.focus();
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });

    // Just after the page's title and summary, where it is found before the page is read.
    var lede = article.querySelector(".lede");
    var after = lede && lede.parentElement === article ? lede : article.querySelector("h1");
    after.insertAdjacentElement("afterend", box);
  }

  // Voices may arrive after the page has loaded (Chromium lists none at first).
  if (synth.getVoices().length) {
    build();
  } else if (synth.addEventListener) {
    synth.addEventListener("voiceschanged", function () {
      if (synth.getVoices().length) build();
    });
  }
})();
