// Times in the reader's own zone. The server renders every time as <time datetime="…UTC…"
// title="… UTC" data-local="style"> with UTC text; this rewrites the text with Intl.DateTimeFormat
// in the browser's zone (the UTC time stays in the title). live.js calls render() when a time moves.
(function () {
  "use strict";

  var STYLES = {
    day: { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    date: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    seconds: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
  };
  var formats = {};

  function format(style) {
    if (!formats[style]) formats[style] = new Intl.DateTimeFormat(undefined, STYLES[style] || STYLES.date);
    return formats[style];
  }

  function render(element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    element.textContent = format(element.dataset.local).format(moment);
    element.title = moment.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function renderAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("time[data-local]"), render);
  }

  window.AuctionLocalTime = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  else renderAll();
})();
