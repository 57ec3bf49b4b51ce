// The few things htmx cannot do: filter the action picker as you type, copy the
// JSON, and show a deciding statement in the JSON view.
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

  // The form checks the policy on each keystroke and change in its fields, except in an
  // element that sends its own request (the JSON view, the profile, a picker, a button).
  // An hx-trigger filter would say that, but htmx evaluates filters with eval, which the
  // Content-Security-Policy forbids: the form is told here, as "editor-input"/"editor-change".
  function relayToEditor(type, name) {
    document.addEventListener(type, function (event) {
      var field = event.target;
      var form = field.closest ? field.closest("#editor") : null;
      if (!form || field.closest("[hx-post]:not(#editor)")) return;
      form.dispatchEvent(new CustomEvent(name));
    });
  }
  relayToEditor("input", "editor-input");
  relayToEditor("change", "editor-change");

  function filterPicker(box) {
    var picker = document.getElementById(box.dataset.picker);
    if (!picker) return;
    var words = box.value.toLowerCase().trim();
    picker.querySelectorAll("li[data-name]").forEach(function (item) {
      item.hidden = words !== "" && item.dataset.name.indexOf(words) === -1;
    });
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("action-filter")) return;
    event.stopPropagation();  // the search box is the page's own, never sent
    filterPicker(box);
  }, true);

  // Never lose what the person types while an answer is on its way. An answer was
  // worked out from the form as it was sent: the fields typed in since then keep what
  // was typed (the answer's other changes, such as a button's, still land), and the
  // JSON view is not replaced while it is being typed in.
  // Field ids carry the statement's and the condition's place (s1-sid, s0-c2-values,
  // builder-id-1-image): after an answer that renumbers some of them, text typed in those
  // would land in another statement's field, so only the others get their text back.
  function placeOf(key) {
    var m = /^(?:radio:)?s(\d+)-(?:c(\d+)-)?/.exec(key) || /^builder-[a-z]+-(\d+)-/.exec(key);
    if (!m) return null;
    return { s: Number(m[1]), c: m[2] !== undefined ? Number(m[2]) : null };
  }
  function renumbered(key, op) {
    var place = placeOf(key);
    if (!place) return false;
    if (op === "json") return true;  // the JSON may have added, removed or moved statements
    var m = /^(remove-statement|up|down|remove-condition)-(\d+)(?:-(\d+))?$/.exec(op);
    if (!m) return false;
    var i = Number(m[2]);
    if (m[1] === "remove-statement") return place.s >= i;
    if (m[1] === "up") return place.s === i || place.s === i - 1;
    if (m[1] === "down") return place.s === i || place.s === i + 1;
    return place.s === i && place.c !== null && place.c >= Number(m[3]);
  }
  var typed = Object.create(null);  // fields typed in since the last request, by id (radios by name)
  var jsonTyped = false;
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.closest || field.classList.contains("action-filter")) return;
    if (field.id === "json") jsonTyped = true;
    else if (!field.closest("#workspace, .meta")) return;
    else if (field.type === "radio" && field.name) typed["radio:" + field.name] = true;
    else if (field.id) typed[field.id] = true;
  }, true);

  var kept = null;  // what the fields typed in and the search boxes held before a swap
  document.addEventListener("htmx:beforeSwap", function (event) {
    kept = { fields: [], radios: [], filters: [], focus: null };
    var cfg = event.detail.requestConfig;
    var op = cfg && cfg.parameters ? String(cfg.parameters.op || "") : "";
    Object.keys(typed).forEach(function (key) {
      if (renumbered(key, op)) return;
      if (key.indexOf("radio:") === 0) {
        var name = key.slice(6);
        var chosen = document.querySelector('input[type=radio][name="' + CSS.escape(name) + '"]:checked');
        if (chosen) kept.radios.push({ name: name, value: chosen.value });
        return;
      }
      var field = document.getElementById(key);
      if (field) kept.fields.push({ id: key, value: field.value, checked: field.checked });
    });
    document.querySelectorAll(".action-filter").forEach(function (box) {
      if (box.value) kept.filters.push({ id: box.id, value: box.value });
    });
    var active = document.activeElement;
    if (active && active.id) {
      kept.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!kept) return;
    kept.fields.forEach(function (was) {
      var field = document.getElementById(was.id);
      if (!field) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = was.checked;
      else if (field.value !== was.value) field.value = was.value;
    });
    kept.radios.forEach(function (was) {
      document.querySelectorAll('input[type=radio][name="' + CSS.escape(was.name) + '"]')
        .forEach(function (radio) { radio.checked = radio.value === was.value; });
    });
    kept.filters.forEach(function (was) {
      var box = document.getElementById(was.id);
      if (box && box.value !== was.value) {
        box.value = was.value;
        filterPicker(box);
      }
    });
    var focus = kept.focus;
    var active = focus && document.getElementById(focus.id);
    if (active && document.activeElement === active && typeof focus.start === "number") {
      try { active.setSelectionRange(focus.start, focus.end); } catch (e) { /* not a text field */ }
    }
    kept = null;
    placeFocus(event.detail.requestConfig ? event.detail.requestConfig.elt : null);
  });
  // (htmx writes an element it drew back with the focus it had before.)

  // After a button, keyboard focus goes where the person would look next: a moved
  // statement's own button follows it; a fix (whose button is gone) hands focus to the
  // message saying what was done; a removed condition hands it to "Add condition".
  function placeFocus(button) {
    var id = button && button.id ? button.id : "";
    var active = document.activeElement;
    // Only when the focus is still where the click left it: never take it from a field
    // the person has moved on to (and a focused button would ride along on the next
    // keystroke's request as its op).
    if (active && active !== document.body && active.id !== id) return;
    var move = /^op-(up|down)-(\d+)$/.exec(id);
    if (move) {
      var to = Number(move[2]) + (move[1] === "up" ? -1 : 1);
      var same = document.getElementById("op-" + move[1] + "-" + to);
      var other = document.getElementById("op-" + (move[1] === "up" ? "down" : "up") + "-" + to);
      var next = same && !same.disabled ? same : other;
      if (next) next.focus({ preventScroll: false });
      return;
    }
    if (active && active !== document.body) return;
    var message = document.getElementById("editor-message");
    var removed = /^op-remove-condition-(\d+)-/.exec(id);
    if (/^op-(fix|use|minify)/.test(id) && message && message.textContent.trim()) {
      message.focus({ preventScroll: true });
    } else if (removed) {
      var add = document.getElementById("op-add-condition-" + removed[1]);
      if (add) add.focus();
    }
  }

  // The import form sits outside the editor's form: it takes the profile chosen now.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var chosen = document.getElementById("profile");
    if (!form.classList || !form.classList.contains("import-form") || !chosen) return;
    var hidden = form.querySelector("input[name=profile]");
    if (hidden) hidden.value = chosen.value;
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "json" && jsonTyped) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:configRequest", function (event) {
    // While the form leads, the server writes the JSON from the form: a form keystroke
    // need not carry the JSON view's text (half of its body on a large policy).
    var params = event.detail.parameters;
    var form = document.getElementById("editor");
    var elt = event.detail.elt;
    if (form && elt === form) {
      // A keystroke is a check to the editor, whichever button htmx last saw focused
      // in the form (a button's op and formaction would otherwise ride along).
      delete params.op;
      event.detail.path = form.getAttribute("hx-post");
    }
    if (!form || event.detail.path !== form.getAttribute("hx-post")) return;  // the export
    if ((params.op || "check") === "check" && params.source === "form") delete params.json;
    // This request carries everything typed in the form so far; the JSON view's text
    // leads only in its own request (or while the JSON leads the form).
    typed = Object.create(null);
    if (elt && elt.id === "json") jsonTyped = false;
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
      var rows = document.getElementById("preview-rows");
      params.preview_digest = rows && rows.dataset.digest ? rows.dataset.digest : "";
    }
  });

  // A refused or failed request must not leave the page silently stale.
  function showStatus(text) {
    var status = document.getElementById("editor-status");
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
  // Editor requests replace each other, so a change made while a button's answer is on
  // its way cuts that button's request off. Its change exists only in the answer: say so,
  // until the next button is clicked, rather than let the click pass unnoticed.
  var cutOff = false;
  document.addEventListener("htmx:sendAbort", function (event) {
    var elt = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
    if (!elt || elt.tagName !== "BUTTON" || !elt.closest || !elt.closest("#editor")) return;
    var label = (elt.getAttribute("aria-label") || elt.textContent || "").trim();
    cutOff = true;
    showStatus("“" + label + "” was not applied: a later change replaced its request " +
      "while it was on its way. Click it again.");
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.tagName === "BUTTON") cutOff = false;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && !cutOff) showStatus("");
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
      var block = document.getElementById("statement-" + index);
      if (block) block.classList.add("highlight");
      var spans = document.getElementById("statement-spans");
      var json = document.getElementById("json");
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
