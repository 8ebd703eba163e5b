// Ticks every "time left" once a second. The server's clock is the truth: each element carries the
// server's "now" when the page was rendered, and the offset to this browser's clock is applied.
// The end is re-read on every tick, so a live update only has to change data-ends-at.
(function () {
  "use strict";

  function timeLeft(seconds) {
    // Same format as auction.catalog.presentation.time_left.
    if (seconds <= 0) return "Ended";
    var days = Math.floor(seconds / 86400), hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60), secs = seconds % 60;
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + minutes + "m";
    if (minutes) return minutes + "m " + secs + "s";
    return secs + "s";
  }

  function start() {
    var loadedAt = Date.now();
    var clocks = Array.prototype.map.call(document.querySelectorAll('[data-field="time-left"]'), function (element) {
      return { element: element, offset: Date.parse(element.dataset.serverNow) - loadedAt };
    });
    function tick() {
      clocks.forEach(function (clock) {
        var element = clock.element;
        if (element.hasAttribute("data-closed")) return;
        var seconds = Math.floor((Date.parse(element.dataset.endsAt) - (Date.now() + clock.offset)) / 1000);
        element.textContent = timeLeft(seconds);
        element.classList.toggle("ending-soon", seconds > 0 && seconds < 3600);
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
