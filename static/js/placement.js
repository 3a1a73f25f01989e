// Placement forms: narrow the employer lists as the search box is typed in.
// Without this script the Search button does the same on the server.
(function () {
  "use strict";

  function filterSelect(select, text) {
    if (!select.allOptions) {
      select.allOptions = Array.prototype.slice.call(select.options);
    }
    var needle = text.trim().toLowerCase();
    var chosen = select.value;
    select.textContent = "";
    select.allOptions.forEach(function (option) {
      var keep = !needle || option.value === "" || option.value === chosen ||
        option.text.toLowerCase().indexOf(needle) !== -1;
      if (keep) {
        select.appendChild(option);
      }
    });
    select.value = chosen;
  }

  document.querySelectorAll("[data-employer-filter]").forEach(function (input) {
    var selects = document.querySelectorAll(input.getAttribute("data-employer-filter"));
    input.addEventListener("input", function () {
      selects.forEach(function (select) { filterSelect(select, input.value); });
    });
    // Enter in the search box narrows the list instead of submitting the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });
}());
