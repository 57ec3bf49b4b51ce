// The few things htmx cannot do: one queue for the editor's requests, copy the JSON,
// and show a deciding statement in the JSON view (the picker's search: picker.js).
(function () {
  "use strict";

  // The form's fields go to the server as one JSON object, {"name": ["value", ...]}:
  // a large policy has hundreds of fields, and JSON is far quicker to read than a
  // urlencoded body. Without JavaScript the form posts urlencoded, which works as well.
  htmx.defineExtension("form-json", {
    onEvent: function (name, event) {
      if (name === "htmx:configRequest") {
        event.detail.headers["Content-Type"] = "application/json";
      }
    },
    encodeParameters: function (xhr, parameters) {
      var fields = Object.create(null);
      parameters.forEach(function (value, name) {
        (fields[name] = fields[name] || []).push(value);
      });
      return JSON.stringify(fields);
    }
  });

  // -- One queue for every editor request ---------------------------------------------
  // Each region of the page has one owner at a time. The person owns the form and the
  // JSON view while typing in them; a request owns what its answer redraws until that
  // answer is in: a button or a JSON edit redraws the form, so the form waits (inert,
  // and shown busy); a form keystroke or a button rewrites the JSON view, so the JSON
  // view waits (read-only). Requests leave one after another, each reading the page as
  // it is when it leaves, so none replaces another and no button is lost.
  var form = document.querySelector("form[data-editor]");
  if (!form) return;
  // The ids of the page's parts, as scpstudio/editor/ids.py spells them.
  var IDS = JSON.parse(form.dataset.ids || "{}");
  function part(name) { return document.getElementById(IDS[name]); }
  var url = form.getAttribute("action");
  var source = form.querySelector("[data-request-source]") || form;
  var queue = [];
  var sending = false;
  var timers = { check: null, json: null };
  var DELAY = { check: 60, json: 40 };

  // The form says data-waiting while a request waits (timer or queue) or is on its way.
  function showWaiting() { form.toggleAttribute("data-waiting", !idle()); }
  function enqueue(op, changed, focus) {
    var last = queue[queue.length - 1];
    // a keystroke waiting behind another of its kind: the waiting one reads the page later
    if ((op === "check" || op === "json") && last && last.op === op) return;
    queue.push({ op: op, changed: changed || "", focus: focus || "" });
    pump();
    showWaiting();
  }
  function schedule(op) {
    clearTimeout(timers[op]);
    timers[op] = setTimeout(function () { timers[op] = null; enqueue(op); }, DELAY[op]);
    showWaiting();
  }
  function flush(op) {
    if (!timers[op]) return;
    clearTimeout(timers[op]);
    timers[op] = null;
    enqueue(op);
  }
  function cancel(op) { clearTimeout(timers[op]); timers[op] = null; showWaiting(); }
  function idle() { return !sending && !queue.length && !timers.check && !timers.json; }

  // jsonTyped: the JSON view was typed in since the last JSON request left; an answer that
  // rewrites the JSON (a form keystroke's) does not land there, the JSON request to come
  // leads. jsonBase: the JSON as the server last wrote it (or as last sent), sent along so
  // that a form change whose answer the person's JSON edit overtook is not lost.
  var jsonTyped = false;
  var jsonBase = (part("json") || {}).value || "";
  // Form changes are counted: the JSON shown holds those up to `shownUpTo`, so a JSON edit
  // needs the base (and the server's work of carrying them) only when some are missing.
  // `typed`: the form's text fields typed in since the last request left, named to the
  // next one (the server redraws what shows their value elsewhere: a statement's heading).
  var formChanges = 0, typed = {};
  var shownUpTo = 0;
  var answering = 0;  // the form changes the request on its way was sent with
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== IDS.json) return;
    // the text changes in place: the element (its focus, its caret) stays
    event.detail.shouldSwap = false;
    var fresh = event.detail.fragment && event.detail.fragment.querySelector
      ? event.detail.fragment.querySelector("#" + CSS.escape(IDS.json)) : null;
    if (!fresh || jsonTyped) return;
    replaceKeepingCaret(target, fresh.value);
    jsonBase = fresh.value;
    shownUpTo = answering;
  });
  // New text in a field that may have the focus: the caret and the selection keep their
  // place relative to the text around them (the change is one stretch of it).
  function replaceKeepingCaret(field, text) {
    var old = field.value;
    if (old === text) return;
    var focused = document.activeElement === field;
    var start = field.selectionStart, end = field.selectionEnd;
    var same = 0;
    while (same < old.length && same < text.length && old[same] === text[same]) same++;
    var shift = text.length - old.length;
    field.value = text;
    if (!focused) return;
    var moved = function (at) { return at >= same ? Math.max(same, at + shift) : at; };
    field.setSelectionRange(moved(start), moved(end));
  }

  var INERT_AFTER = 150;  // ms
  var BLOCKED = ["beforeinput", "keydown", "paste", "drop", "pointerdown", "mousedown", "click"];
  function refuse(event) { event.preventDefault(); event.stopPropagation(); }
  function blockInput(element, on) {
    BLOCKED.forEach(function (type) { element[on ? "addEventListener" : "removeEventListener"](type, refuse, true); });
  }

  function hold(op) {
    var redrawsForm = op !== "check";
    // a button's answer rewrites the JSON: typing there waits for it (a keystroke's
    // answer gives way to the person instead, see jsonTyped)
    var rewritesJson = op !== "json" && op !== "check";
    var focused = document.activeElement && document.activeElement.id;
    var workspace = part("workspace");
    var json = part("json");
    var jsonReadOnly = !!(json && json.readOnly);  // a version shown read only stays so
    var later = null;
    if (redrawsForm && workspace) {
      workspace.setAttribute("aria-busy", "true");
      if (op === "json") {
        // A JSON keystroke's answer mostly comes before the person could reach the form:
        // the form refuses input at once, and turns inert (which restyles all of it, a
        // good part of a keystroke's time on a large policy) only if the answer is slow.
        blockInput(workspace, true);
        later = setTimeout(function () { var ws = part("workspace"); if (ws) ws.inert = true; }, INERT_AFTER);
      } else {
        workspace.inert = true;
      }
    }
    if (rewritesJson && json) {
      json.readOnly = true;
      json.setAttribute("aria-busy", "true");
    }
    return function release() {
      clearTimeout(later);
      if (workspace) blockInput(workspace, false);
      var ws = part("workspace");
      var js = part("json");
      if (ws) { ws.inert = false; ws.removeAttribute("aria-busy"); }
      if (js) { js.readOnly = jsonReadOnly; js.removeAttribute("aria-busy"); }
      var lost = !document.activeElement || document.activeElement === document.body;
      var back = focused && document.getElementById(focused);
      if (lost && back) back.focus({ preventScroll: true });
    };
  }

  function pump() {
    if (sending || !queue.length) return;
    var next = queue.shift();
    sending = true;
    var values = { op: next.op };
    if (next.changed) values.changed = next.changed;
    var typedIds = Object.keys(typed);
    if (typedIds.length) values.typed = typedIds.join(" ");
    typed = {};
    window.scpTicks.take(values);  // the boxes ticked since, in the order ticked
    answering = formChanges;
    if (next.op === "json") {
      var json = part("json");
      if (formChanges > shownUpTo) values.json_base = jsonBase;
      jsonTyped = false;
      jsonBase = json ? json.value : "";
    }
    var release = function () {};
    var done = function () {
      release();
      sending = false;
      window.scpTicks.answered();
      placeFocus(next.changed, next.focus);
      if (idle()) document.dispatchEvent(new CustomEvent("editor:idle"));
      pump();
      showWaiting();
    };
    // Sent from an element inside the form, not from the form: htmx would send a request
    // from the form to the formaction of the button last clicked or focused there (Save,
    // Download). The form's fields go along all the same (htmx reads the closest form).
    var answer = htmx.ajax("POST", url, {
      source: source, values: values, target: "#" + CSS.escape(IDS.analysis), swap: "outerHTML"
    });
    // Held once the request has left (nothing the person does can come between): making
    // the form inert restyles all of it, which then overlaps the server's work instead
    // of delaying the request.
    release = hold(next.op);
    answer.then(done, done);
  }

  // After a button, keyboard focus goes where the person would look next. The button
  // names the places in `data-focus` (the server writes them: a moved statement's own
  // button where it now is, the message saying what a fix did, "Add condition" after a
  // removed condition); the first that is there and usable takes it. Only when the focus
  // is not already somewhere the person chose.
  function placeFocus(id, focus) {
    var active = document.activeElement;
    var free = !active || active === document.body || active.id === id;
    if (!free) return;
    var places = (focus || "").split(" ").filter(Boolean);
    for (var i = 0; i < places.length; i++) {
      var el = document.getElementById(places[i]);
      if (!el || el.disabled) continue;
      var control = el.matches("button, input, select, textarea");
      if (!control && !el.textContent.trim()) continue;
      el.focus({ preventScroll: !control });
      return;
    }
    var again = id && document.getElementById(id);
    if (again && (!active || active === document.body)) again.focus({ preventScroll: true });
  }

  function inJson(el) { return el && el.id === IDS.json; }
  function ownField(el) {
    return el && el.closest && el.closest("form[data-editor]") === form && !el.closest(".terraform-box") &&
      !(el.classList && el.classList.contains("action-filter")) && !el.closest("[data-not-policy]");
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!ownField(el)) return;
    if (inJson(el)) { jsonTyped = true; schedule("json"); return; }
    formChanges++;
    if (el.matches("input[type=checkbox], input[type=radio], select")) return;  // their change
    if (el.id) typed[el.id] = true;
    schedule("check");
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!ownField(el) || inJson(el)) return;
    formChanges++;
    window.scpTicks.note(el);
    if (el.matches("textarea, input:not([type=checkbox]):not([type=radio])")) {
      flush("check");  // a text field left after typing: what it holds goes now
      return;
    }
    var structural = el.closest("[data-op]");
    if (structural) {
      send(structural.dataset.op, el.id || structural.id);
    } else {
      cancel("check");
      enqueue("check", el.id);
    }
  });
  // Moving from one view to the other hands over what was typed in the first at once.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (inJson(el)) flush("check");
    else if (ownField(el)) flush("json");
  });

  // A button (or a select that redraws its statement) sends its op after what was typed
  // in the JSON; what was typed in the form goes with it (the request reads the form).
  function send(op, changed, focus) {
    flush("json");
    cancel("check");
    enqueue(op, changed, focus);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=op]");
    if (!button || button.form !== form) return;
    if (button.hasAttribute("formaction")) {
      // an export: the download must hold every change made so far
      if (idle() || button.dataset.ready) { delete button.dataset.ready; return; }
      event.preventDefault();
      flush("json");
      flush("check");
      document.addEventListener("editor:idle", function go() {
        document.removeEventListener("editor:idle", go);
        button.dataset.ready = "1";
        button.click();
      });
      return;
    }
    event.preventDefault();
    send(button.value, button.id, button.dataset.focus);
  });

  // The import form sits outside the editor's form: it takes the profile chosen now, and
  // the draft being edited, which the server shows again when the import is no policy.
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("import-form")) return;
    var chosen = part("profile");
    var hidden = target.querySelector("input[name=profile]");
    if (hidden && chosen) hidden.value = chosen.value;
    ["json", "name", "description", "saved_policy", "base_version"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      var kept = target.querySelector("input[name=draft_" + name + "]");
      if (field && kept && field.value !== undefined) kept.value = field.value;
    });
  });
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt !== source || event.detail.path !== url) return;
    var params = event.detail.parameters;
    // Tell the server what the page shows now, so that it leaves out what would be
    // redrawn the same: finding slots by their fingerprint, and the preview table.
    if (params.filled_slots !== undefined) {
      var shown = [];
      document.querySelectorAll(".slot[data-digest]").forEach(function (slot) {
        shown.push(slot.id + ":" + slot.dataset.digest);
      });
      document.querySelectorAll("p.match").forEach(function (match) {
        if (match.textContent.trim()) shown.push(match.id);
      });
      params.filled_slots = shown.join(" ");
      var rows = part("previewRows");
      params.preview_digest = rows && rows.dataset.digest ? rows.dataset.digest : "";
    }
  });

  // A refused or failed request must not leave the page silently stale.
  function showStatus(text) {
    var status = part("status");
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var code = xhr ? xhr.status : 0;
    var type = xhr ? xhr.getResponseHeader("Content-Type") || "" : "";
    // A refusal in words (text/plain) is shown as the server wrote it.
    var said = type.indexOf("text/plain") === 0 ? xhr.responseText.trim().slice(0, 300) : "";
    if (code === 400 || code === 413) {
      showStatus("The server refused that change: " + (said ||
        "the policy or the form is larger than it accepts.") +
        " Nothing was lost in this page.");
    } else {
      showStatus("The server could not check that change (status " + code + "). Your text is still here; try again.");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showStatus("The server cannot be reached. Your text is still here; the findings will update when it answers again.");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) showStatus("");
    else window.scpTicks.failed();  // its ticks go with the next request
  });

  document.addEventListener("click", function (event) {
    var copy = event.target.closest && event.target.closest(".copy-json");
    if (copy) {
      var source = document.querySelector(copy.dataset.copy);
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(function () {
          copy.textContent = "Copied";
          setTimeout(function () { copy.textContent = "Copy JSON"; }, 1500);
        });
      } else if (source) {
        source.select();
      }
      return;
    }
    var link = event.target.closest && event.target.closest(".statement-link");
    if (link) {
      var index = link.dataset.statement;
      document.querySelectorAll(".statement.highlight").forEach(function (el) {
        el.classList.remove("highlight");
      });
      var block = document.getElementById(link.dataset.block);
      if (block) block.classList.add("highlight");
      var spans = part("statementSpans");
      var json = part("json");
      if (spans && json) {
        var span = JSON.parse(spans.textContent)[index];
        if (span) {
          json.setSelectionRange(span[0], span[1]);
          json.classList.add("highlight");
          setTimeout(function () { json.classList.remove("highlight"); }, 2000);
        }
      }
    }
  });
})();
