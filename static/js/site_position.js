// The cohort form's "use my position" button: fills the site's latitude and longitude from this
// phone's position (the coordinator or trainer standing at the site). Nothing external.
(function () {
  "use strict";
  var button = document.querySelector(".use-my-position");
  if (!button || !navigator.geolocation) { return; }
  var status = document.querySelector(".site-position-status");
  var latitude = document.getElementById("site_latitude");
  var longitude = document.getElementById("site_longitude");
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      latitude.value = position.coords.latitude.toFixed(6);
      longitude.value = position.coords.longitude.toFixed(6);
      status.textContent = "± " + Math.round(position.coords.accuracy) + " m";
      button.disabled = false;
    }, function () {
      status.textContent = button.dataset.failed;
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });
})();
