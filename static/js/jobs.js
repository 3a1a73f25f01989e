// Polls a background job's progress and updates the bar until the job ends.
(function () {
  "use strict";
  var box = document.querySelector(".job-progress");
  if (!box) { return; }
  function text(selector, value) { box.querySelector(selector).textContent = value; }
  function poll() {
    fetch(box.dataset.jobUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        box.querySelector(".job-bar").value = job.percent;
        text(".job-done", job.done);
        text(".job-total", job.total);
        text(".job-status", job.status_label);
        text(".job-message", job.message || "");
        var list = box.querySelector(".job-failures");
        list.replaceChildren.apply(list, job.failures.map(function (failure) {
          var item = document.createElement("li");
          item.textContent = failure.item + ": " + failure.reason;
          return item;
        }));
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 1000); }
        else { box.dispatchEvent(new CustomEvent("job:finished", { detail: job, bubbles: true })); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
