// The roster, enhanced: one big button per trainee cycles present → late → absent → excused,
// "all present" marks everyone not yet marked, the counts follow every tap, and the rows the
// trainer has not touched follow roster.json (QR check-ins, another trainer's save) every 5 s.
// The radio buttons stay in the form: saving is still the one plain POST of the page.
// Marks not yet saved are kept on the phone (drafts, below) and leaving the page warns, so a
// trainer who walks away loses nothing: a reload shows them again, still unsaved.
(function () {
  "use strict";
  var form = document.querySelector("form.roster");
  if (!form) { return; }
  var ORDER = ["present", "late", "absent", "excused"];
  var POLL_MS = 5000;
  var data = form.dataset;
  var rows = {};
  var submitting = false;

  // The unsaved marks of this session: { enrollment id: { status, was, version } }, where was and
  // version are what the mark was made against, so a save of a restored mark stays version-aware.
  // One place that stores them (localStorage now, IndexedDB when the roster works offline).
  var drafts = {
    key: "jfw.roster." + data.sessionId,
    load: function () {
      try { return JSON.parse(window.localStorage.getItem(this.key)) || {}; } catch (e) { return {}; }
    },
    save: function (marks) {
      try {
        if (Object.keys(marks).length) { window.localStorage.setItem(this.key, JSON.stringify(marks)); }
        else { window.localStorage.removeItem(this.key); }
      } catch (e) { /* storage full or refused: the warning before leaving still holds */ }
    }
  };

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
  Row.prototype.draft = function () {
    return { status: this.status(), was: this.was.value, version: this.version.value };
  };
  Row.prototype.restore = function (draft) {
    // Saved since (here or by another trainer, to the same mark): nothing is left to keep.
    if (draft.status === this.was.value) { return false; }
    this.version.value = draft.version;
    this.was.value = draft.was;
    this.set(draft.status);
    return true;
  };
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

  function unsavedMarks() {
    var marks = {};
    Object.keys(rows).forEach(function (id) { if (rows[id].touched()) { marks[id] = rows[id].draft(); } });
    return marks;
  }

  function refresh() {
    var counts = { present: 0, late: 0, absent: 0, excused: 0, unmarked: 0 };
    var marks = unsavedMarks();
    var unsaved = Object.keys(marks).length;
    Object.keys(rows).forEach(function (id) {
      var row = rows[id];
      counts[row.status() || "unmarked"] += 1;
      row.li.classList.toggle("is-touched", row.touched());
    });
    drafts.save(marks);
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
  var kept = drafts.load();
  var restored = Object.keys(kept).filter(function (id) {
    return rows[id] && !rows[id].button.disabled && rows[id].restore(kept[id]);
  });
  var notice = document.querySelector(".roster-restored");
  if (notice && restored.length) { notice.hidden = false; }
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !Object.keys(unsavedMarks()).length) { return; }
    event.preventDefault();
    event.returnValue = "";  // browsers show their own words; older ones want a value
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
