// Self check-in with the trainee's consent: asks the browser for the position and posts it with
// the check-in. data-ask-position="auto" (after a QR scan) posts as soon as the position is read;
// "submit" (the code form) reads it when the trainee submits. Refused or unavailable: the form is
// posted all the same, saying so, because the check-in counts either way. Nothing external.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ask-position]");
  if (!form) { return; }
  var sent = false;

  function set(name, value) { form.querySelector("[name=" + name + "]").value = value; }

  function send() {
    if (sent) { return; }
    sent = true;
    form.submit();
  }

  function locate() {
    if (!navigator.geolocation) { set("position_error", "unavailable"); send(); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      set("latitude", position.coords.latitude);
      set("longitude", position.coords.longitude);
      set("accuracy", position.coords.accuracy);
      send();
    }, function (error) {
      set("position_error", error.code === 1 ? "denied" : "unavailable");
      send();
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  if (form.dataset.askPosition === "auto") {
    locate();
  } else {
    form.addEventListener("submit", function (event) {
      if (sent) { return; }
      event.preventDefault();
      locate();
    });
  }
})();
