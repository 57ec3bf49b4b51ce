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

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("action-filter")) return;
    event.stopPropagation();
    var picker = document.getElementById(box.dataset.picker);
    if (!picker) return;
    var words = box.value.toLowerCase().trim();
    picker.querySelectorAll("li[data-name]").forEach(function (item) {
      item.hidden = words !== "" && item.dataset.name.indexOf(words) === -1;
    });
  }, true);

  // Never overwrite what the person is typing: a response that left before their
  // last keystroke must not replace the JSON view or the form they are editing.
  var dirty = { json: false, form: false };
  document.addEventListener("input", function (event) {
    if (!event.target.closest) return;
    if (event.target.id === "json") dirty.json = true;
    else if (event.target.closest("#workspace, .meta")) dirty.form = true;
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "json") dirty.json = false;
    else dirty.form = false;
    // While the form leads, the server writes the JSON from the form: a form keystroke
    // need not carry the JSON view's text (half of its body on a large policy).
    var params = event.detail.parameters;
    if ((params.op || "check") === "check" && params.source === "form") delete params.json;
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
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var formPart = target.id === "workspace" || target.classList.contains("statement");
    if ((target.id === "json" && dirty.json) || (formPart && dirty.form)) {
      event.detail.shouldSwap = false;
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
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) showStatus("");
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
