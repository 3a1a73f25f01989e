// Trainee-list export page: show the download button once the background job has written the file.
(function () {
  "use strict";
  var link = document.querySelector(".export-download");
  if (!link) { return; }
  document.addEventListener("job:finished", function (event) {
    var job = event.detail;
    if (job.status === "done" && job.result && job.result.file) { link.classList.remove("d-none"); }
  });
})();
