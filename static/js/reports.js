// Reports dashboard: the reason for a full-ID export is asked for only when full IDs are ticked.
(function () {
  "use strict";
  var form = document.querySelector("form.list-export");
  if (!form) { return; }
  var box = form.querySelector("input[name=full_id]");
  var reason = form.querySelector(".full-id-reason");
  var input = reason.querySelector("input");
  function update() {
    reason.classList.toggle("d-none", !box.checked);
    input.required = box.checked;
  }
  box.addEventListener("change", update);
  update();
})();
