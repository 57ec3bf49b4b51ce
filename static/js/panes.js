// On a wide screen the editor's three columns (form, JSON, preview) can be resized: each
// edge of the JSON pane is a handle, dragged with the mouse or moved with the arrow keys
// (Home gives the default back). The shares are kept in this browser only.
(function () {
  "use strict";

  var grid = document.querySelector(".editor-grid");
  var jsonPane = grid && grid.querySelector(".pane-json");
  if (!grid || !jsonPane || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 1100px)");
  var KEY = "scpstudio.editor.columns";
  var DEFAULT = [0.9, 1.7, 1];  // as app.css has them
  var MIN = 0.45;  // no column narrower than this share of a default one
  var STEP = 0.05;
  var shares = read();

  function read() {
    try {
      var kept = JSON.parse(localStorage.getItem(KEY) || "null");
      if (Array.isArray(kept) && kept.length === 3 && kept.every(isShare)) return kept;
    } catch (ignored) { /* storage refused or not JSON: the default */ }
    return DEFAULT.slice();
  }
  function isShare(v) { return typeof v === "number" && isFinite(v) && v >= MIN && v <= 10; }
  function apply() {
    grid.style.gridTemplateColumns = wide.matches
      ? shares.map(function (s) { return "minmax(0, " + s.toFixed(3) + "fr)"; }).join(" ")
      : "";
    handles.forEach(function (handle) {
      var total = shares[0] + shares[1] + shares[2];
      handle.setAttribute("aria-valuenow", String(Math.round((100 * shares[1]) / total)));
    });
  }
  function keep() {
    try { localStorage.setItem(KEY, JSON.stringify(shares)); } catch (ignored) { /* private mode */ }
  }
  // Move the edge between column `side` (0: form, 2: preview) and the JSON by `delta`
  // shares, positive giving the JSON more room.
  function move(side, delta) {
    var next = Math.min(Math.max(shares[1] + delta, MIN), shares[1] + shares[side] - MIN);
    shares[side] -= next - shares[1];
    shares[1] = next;
    apply();
  }

  var handles = [0, 2].map(function (side) {
    var handle = document.createElement("div");
    handle.className = "pane-splitter " + (side === 0 ? "at-start" : "at-end");
    handle.setAttribute("role", "separator");
    handle.setAttribute("aria-orientation", "vertical");
    handle.setAttribute("aria-valuemin", "10");
    handle.setAttribute("aria-valuemax", "80");
    handle.setAttribute("aria-label", side === 0
      ? "Resize the JSON pane and the form (arrow keys; Home resets)"
      : "Resize the JSON pane and the preview (arrow keys; Home resets)");
    handle.tabIndex = 0;
    handle.addEventListener("keydown", function (event) {
      var toward = side === 0 ? -1 : 1;  // the arrow pointing away from the JSON widens it
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        var away = (event.key === "ArrowRight" ? 1 : -1) === toward;
        move(side, away ? STEP : -STEP);
      } else if (event.key === "Home") {
        shares = DEFAULT.slice();
        apply();
      } else {
        return;
      }
      event.preventDefault();
      keep();
    });
    handle.addEventListener("pointerdown", function (event) {
      if (!wide.matches) return;
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      var perShare = grid.getBoundingClientRect().width / (shares[0] + shares[1] + shares[2]);
      var lastX = event.clientX;
      function follow(e) {
        var dx = (e.clientX - lastX) / perShare;
        lastX = e.clientX;
        move(side, side === 0 ? -dx : dx);
      }
      function stop() {
        handle.removeEventListener("pointermove", follow);
        handle.removeEventListener("pointerup", stop);
        handle.removeEventListener("pointercancel", stop);
        keep();
      }
      handle.addEventListener("pointermove", follow);
      handle.addEventListener("pointerup", stop);
      handle.addEventListener("pointercancel", stop);
    });
    jsonPane.appendChild(handle);
    return handle;
  });
  if (wide.addEventListener) wide.addEventListener("change", apply);
  apply();
})();
