// The roster, enhanced: one big button per trainee cycles present → late → absent → excused,
// "all present" marks everyone not yet marked, the counts follow every tap, and the rows the
// trainer has not touched follow roster.json (QR check-ins, another trainer's save) every 5 s.
// The radio buttons stay in the form: saving is still the one plain POST of the page.
(function () {
  "use strict";
  var form = document.querySelector("form.roster");
  if (!form) { return; }
  var ORDER = ["present", "late", "absent", "excused"];
  var POLL_MS = 5000;
  var data = form.dataset;
  var rows = {};

  function cap(word) { return word.charAt(0).toUpperCase() + word.slice(1); }
  function label(status) { return data["label" + cap(status || "none")] || status; }

  function Row(li) {
    var id = li.dataset.id;
    this.li = li;
    this.version = form.querySelector("input[name='version-" + id + "']");
    this.was = form.querySelector("input[name='was-" + id + "']");
    this.radios = li.querySelectorAll("input[type=radio]");
    this.via = li.querySelector(".roster-via");
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "roster-tap";
    this.button.disabled = li.querySelector(".roster-choices").disabled;
    this.button.setAttribute("aria-describedby", "who-" + id);
    li.querySelector(".roster-choices").before(this.button);
    this.button.addEventListener("click", this.tap.bind(this));
    this.show();
  }
  Row.prototype.status = function () {
    for (var i = 0; i < this.radios.length; i++) { if (this.radios[i].checked) { return this.radios[i].value; } }
    return "";
  };
  Row.prototype.set = function (status) {
    for (var i = 0; i < this.radios.length; i++) { this.radios[i].checked = this.radios[i].value === status; }
    this.show();
  };
  Row.prototype.show = function () {
    var status = this.status();
    this.button.dataset.status = status;
    this.button.textContent = label(status);
    this.li.dataset.status = status;
    this.li.classList.toggle("is-touched", this.touched());
  };
  Row.prototype.touched = function () { return this.status() !== this.was.value; };
  Row.prototype.tap = function () {
    var status = this.status();
    this.set(status ? ORDER[(ORDER.indexOf(status) + 1) % ORDER.length] : ORDER[0]);
    refresh();
  };
  Row.prototype.follow = function (mark) {
    // The server moved on and the trainer has not touched this row: show what is stored now.
    if (this.touched() || String(mark.version) === this.version.value) { return; }
    this.version.value = mark.version;
    this.was.value = mark.status || "";
    this.set(mark.status || "");
    var via = mark.method && data["via" + cap(mark.method)];
    this.via.textContent = via ? via + " " + new Date(mark.at).toLocaleTimeString(
      document.documentElement.lang, { hour: "2-digit", minute: "2-digit" }) : "";
  };

  function refresh() {
    var counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0 };
    var unsaved = 0;
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      counts[row.status() || "unmarked"] += 1;
      if (row.touched()) { unsaved += 1; }
      row.li.classList.toggle("is-touched", row.touched());
    });
    Object.keys(counts).forEach(function (status) {
      var cell = form.querySelector("[data-count='" + status + "']");
      if (cell) { cell.textContent = counts[status]; }
    });
    var note = form.querySelector(".roster-unsaved");
    if (note) { note.textContent = unsaved ? "(" + data.unsaved.replace("{n}", unsaved) + ")" : ""; }
  }

  function poll() {
    if (document.hidden) { setTimeout(poll, POLL_MS); return; }
    fetch(data.jsonUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (state) {
        state.rows.forEach(function (mark) { if (rows[mark.id]) { rows[mark.id].follow(mark); } });
        refresh();
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  form.classList.add("js-on");
  Array.prototype.forEach.call(form.querySelectorAll(".roster-row"), function (li) {
    rows[li.dataset.id] = new Row(li);
  });
  var allPresent = form.querySelector(".roster-all");
  if (allPresent) {
    allPresent.addEventListener("click", function (event) {
      event.preventDefault();  // with JavaScript it only marks; the trainer still saves
      Object.keys(rows).forEach(function (id) { if (!rows[id].status()) { rows[id].set("present"); } });
      refresh();
    });
  }
  refresh();
  setTimeout(poll, POLL_MS);
})();
