// The workspace around the editor's requests (editor.js owns those): line numbers beside
// the JSON, the lines that have findings marked there, and a finding's "line L, column C"
// that puts the caret at that place in the JSON. Without JavaScript the JSON is a plain
// text box and the findings still say where they are.
(function () {
  "use strict";

  var form = document.querySelector("form[data-editor]");
  var IDS = form ? JSON.parse(form.dataset.ids || "{}") : {};
  var json = document.getElementById(IDS.json);
  if (!json || !json.parentElement.classList.contains("json-editor")) return;

  var gutter = document.createElement("div");
  gutter.className = "json-gutter";
  gutter.setAttribute("aria-hidden", "true");
  json.parentElement.insertBefore(gutter, json);
  json.parentElement.classList.add("with-gutter");

  // -- Line numbers ---------------------------------------------------------------------
  var shownLines = 0;
  var marks = Object.create(null);  // line -> {severity, text}
  var RANK = { error: 0, security_warning: 1, warning: 2, suggestion: 3 };

  function lineCount(text) {
    var n = 1;
    for (var i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
    return n;
  }
  function drawGutter() {
    var lines = lineCount(json.value);
    var frag = document.createDocumentFragment();
    for (var n = 1; n <= lines; n++) {
      var cell = document.createElement("span");
      cell.textContent = String(n);
      var mark = marks[n];
      if (mark) {
        cell.className = "mark sev-" + mark.severity;
        cell.title = mark.text;
      }
      frag.appendChild(cell);
    }
    gutter.replaceChildren(frag);
    shownLines = lines;
    followScroll();
  }
  function refreshGutter() {
    if (lineCount(json.value) !== shownLines) drawGutter();
    else followScroll();
  }
  function followScroll() {
    gutter.scrollTop = json.scrollTop;
  }
  json.addEventListener("scroll", followScroll, { passive: true });
  json.addEventListener("input", refreshGutter);
  // editor.js writes the server's JSON into the box in place (no input event): check
  // after every answer.
  var redrawing = false;
  document.addEventListener("htmx:afterSettle", function () {
    if (redrawing) return;
    redrawing = true;
    requestAnimationFrame(function () {
      redrawing = false;
      readMarks();
      drawGutter();
    });
  });
  // the box can be resized by hand, or change height with the window
  if (window.ResizeObserver) new ResizeObserver(followScroll).observe(json);

  // -- Findings: their place in the JSON -------------------------------------------------
  var WHERE = /line (\d+), column (\d+)/;

  function readMarks() {
    marks = Object.create(null);
    document.querySelectorAll("ol.findings li.finding").forEach(function (item) {
      var where = item.querySelector(".where");
      var found = where && WHERE.exec(where.textContent);
      if (!found) return;
      var severity = (/\bsev-(\w+)/.exec(item.className) || [])[1] || "suggestion";
      var line = Number(found[1]);
      var text = item.textContent.replace(/\s+/g, " ").trim();
      var had = marks[line];
      if (!had || RANK[severity] < RANK[had.severity]) {
        marks[line] = { severity: severity, text: had ? text + "\n" + had.text : text };
      } else {
        had.text += "\n" + text;
      }
    });
    makeJumps();
  }

  // Each "line L, column C" becomes a button; the server's markup stays as it is sent.
  function makeJumps() {
    document.querySelectorAll("ol.findings .where").forEach(function (where) {
      if (where.querySelector("button") || !WHERE.test(where.textContent)) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link jump";
      button.textContent = where.textContent.trim();
      button.title = "Show this place in the JSON";
      where.replaceChildren(button);
    });
  }

  // The offset of line L, column C (1-based, in characters as the server counts them:
  // a character outside the BMP is one column but two UTF-16 units).
  function offsetOf(text, line, column) {
    var at = 0;
    for (var n = 1; n < line; n++) {
      var next = text.indexOf("\n", at);
      if (next === -1) return text.length;
      at = next + 1;
    }
    var end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    for (var c = 1; c < column && at < end; c++) {
      var code = text.charCodeAt(at);
      at += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return at;
  }

  // Scroll the box so that line L shows, a third of the way down, and the column too.
  function revealLine(line, offset) {
    var style = getComputedStyle(json);
    var height = parseFloat(style.lineHeight) || 18;
    var top = parseFloat(style.paddingTop) || 0;
    json.scrollTop = Math.max(0, top + (line - 1) * height - json.clientHeight / 3);
    if (offset !== undefined) {
      var lineStart = json.value.lastIndexOf("\n", offset - 1) + 1;
      var charWidth = measureChar(style);
      var x = (offset - lineStart) * charWidth;
      if (x < json.scrollLeft || x > json.scrollLeft + json.clientWidth - 3 * charWidth) {
        json.scrollLeft = Math.max(0, x - json.clientWidth / 2);
      }
    }
    // on a narrow screen the box itself may be out of sight
    var box = json.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      json.scrollIntoView({ block: "nearest" });
    }
    followScroll();
  }
  var charWidthCache = 0;
  function measureChar(style) {
    if (charWidthCache) return charWidthCache;
    var probe = document.createElement("span");
    probe.textContent = "0000000000";
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;font:" + style.font;
    document.body.appendChild(probe);
    charWidthCache = probe.getBoundingClientRect().width / 10 || 8;
    probe.remove();
    return charWidthCache;
  }

  function jumpTo(line, column) {
    var offset = offsetOf(json.value, line, column);
    json.focus({ preventScroll: true });
    json.setSelectionRange(offset, offset);
    revealLine(line, offset);
  }

  document.addEventListener("click", function (event) {
    var jump = event.target.closest && event.target.closest("ol.findings .where");
    if (jump) {
      var found = WHERE.exec(jump.textContent);
      if (found) {
        event.preventDefault();
        jumpTo(Number(found[1]), Number(found[2]));
      }
      return;
    }
    // editor.js selects a deciding statement's text in the JSON: bring it into view
    var link = event.target.closest && event.target.closest(".statement-link");
    if (link && json.selectionStart !== json.selectionEnd) {
      var line = lineCount(json.value.slice(0, json.selectionStart));
      revealLine(line);
    }
  });

  readMarks();
  drawGutter();
})();
