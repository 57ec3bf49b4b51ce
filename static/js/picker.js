// The action picker's search boxes: they filter the list as you type. They belong to the
// page, not to the policy: never sent, and kept (with the list they filter) when the
// server redraws their statement.
(function () {
  "use strict";

  function filterPicker(box) {
    var picker = document.getElementById(box.dataset.picker);
    if (!picker) return;
    var words = box.value.toLowerCase().trim();
    picker.querySelectorAll("li[data-name]").forEach(function (item) {
      item.hidden = words !== "" && item.dataset.name.indexOf(words) === -1;
    });
  }
  var searches = Object.create(null);
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("action-filter")) return;
    event.stopPropagation();
    searches[box.id] = box.value;
    filterPicker(box);
  }, true);
  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(searches).forEach(function (id) {
      var box = document.getElementById(id);
      if (box && box.value !== searches[id]) {
        box.value = searches[id];
        filterPicker(box);
      }
    });
  });
})();
