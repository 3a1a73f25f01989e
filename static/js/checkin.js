// The check-in screen: fetches the current QR and code from the server every few seconds
// (a new pair every CHECKIN_ROTATE_SECONDS) and the number checked in. Nothing external.
(function () {
  "use strict";
  var screen = document.querySelector(".checkin-screen");
  if (!screen) { return; }
  var POLL_MS = 5000;
  var openBox = screen.querySelector(".checkin-open");
  var closedBox = screen.querySelector(".checkin-closed");
  var notYet = screen.querySelector(".checkin-not-yet");
  var ended = screen.querySelector(".checkin-ended");
  var image = screen.querySelector(".checkin-qr");
  var code = screen.querySelector(".checkin-code");
  var clock = screen.querySelector(".checkin-time");
  var saysIn = screen.querySelector(".checkin-says-in");
  var saysOut = screen.querySelector(".checkin-says-out");
  var window_ = null;
  var left = clock ? Number(clock.value) : 0;
  var timer = null;

  function show(state) {
    openBox.hidden = !state.open;
    closedBox.hidden = state.open;
    notYet.hidden = state.ended;
    ended.hidden = !state.ended;
    // A two-mark class turns to sign-out in its last minutes (the server decides).
    saysIn.hidden = state.phase === "sign_out";
    saysOut.hidden = state.phase !== "sign_out";
    if (state.open && state.window !== window_) {
      window_ = state.window;
      image.src = state.svg;
      code.textContent = state.code;
    }
    screen.querySelector("[data-attended]").textContent = state.attended;
    screen.querySelector("[data-total]").textContent = state.total;
    left = state.seconds_left;
    if (clock) { clock.value = left; }
    clearTimeout(timer);
    // Poll every few seconds, and just after the next rotation.
    timer = setTimeout(poll, Math.min(POLL_MS, left * 1000 + 300));
  }

  function poll() {
    fetch(screen.dataset.stateUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(show)
      .catch(function () { timer = setTimeout(poll, POLL_MS); });
  }

  setInterval(function () {
    if (left > 0) { left -= 1; }
    if (clock) { clock.value = left; }
  }, 1000);
  poll();
})();
