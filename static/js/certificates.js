// The cohort's certificate roster: one box ticks or clears every trainee.
(function () {
  "use strict";
  var all = document.querySelector(".certificate-roster .tick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll(".certificate-roster .tick").forEach(function (box) { box.checked = all.checked; });
  });
})();
