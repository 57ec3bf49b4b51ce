// The order the person ticks action boxes in. The browser posts a statement's ticked boxes
// (`s3-actions`) in the picker's order; the boxes ticked since the last editor request left
// go with the next one as `s3-ticked`, in the order ticked, and the text takes the new
// actions in that order. editor.js notes each change, takes the list when a request leaves,
// and gives it back when that request fails (the boxes stay ticked: the next says the order).
window.scpTicks = (function () {
  "use strict";

  var PICKED = /-actions$/;
  var ticked = {};  // "s3-ticked" -> names, in the order ticked
  var onTheWay = null;  // what the request on its way carries

  return {
    note: function (box) {
      if (box.type !== "checkbox" || !PICKED.test(box.name)) return;
      var field = box.name.replace(PICKED, "-ticked");
      var names = (ticked[field] || []).filter(function (name) { return name !== box.value; });
      if (box.checked) names.push(box.value);  // an untick takes the box off the list
      ticked[field] = names;
    },
    // The fields for the request about to leave (added to `values`).
    take: function (values) {
      Object.keys(ticked).forEach(function (field) {
        if (ticked[field].length) values[field] = ticked[field];
      });
      onTheWay = ticked;
      ticked = {};
    },
    answered: function () { onTheWay = null; },
    failed: function () {
      var back = onTheWay || {};
      onTheWay = null;
      Object.keys(back).forEach(function (field) {
        var since = ticked[field] || [];
        ticked[field] = back[field].filter(function (name) {
          return since.indexOf(name) < 0;
        }).concat(since);
      });
    },
  };
})();
