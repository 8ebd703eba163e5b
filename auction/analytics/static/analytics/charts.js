/* Shared Chart.js settings and formatting for the analytics charts (the page's and the item page's). */
(function () {
  "use strict";

  const PALETTE = ["#1f4fd8", "#f0a500", "#137a4b", "#b3261e", "#7b3fbf", "#0f8a9d", "#c2185b", "#5d6b00", "#8d6e63", "#455a64"];

  function color(index) {
    return PALETTE[index % PALETTE.length];
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  /* "12 Mar 14:05" in UTC: event times are UTC everywhere on the site. */
  function timeLabel(iso) {
    const moment = new Date(iso);
    const month = moment.toLocaleString("en", { month: "short", timeZone: "UTC" });
    return `${moment.getUTCDate()} ${month} ${pad(moment.getUTCHours())}:${pad(moment.getUTCMinutes())}`;
  }

  function clockLabel(milliseconds) {
    const moment = new Date(milliseconds);
    return `${pad(moment.getUTCHours())}:${pad(moment.getUTCMinutes())}:${pad(moment.getUTCSeconds())}`;
  }

  function base(extra) {
    return Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
      extra || {}
    );
  }

  function stacked() {
    return base({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } });
  }

  /* A line chart over real time: x values are epoch milliseconds. */
  function overTime() {
    return base({
      parsing: false,
      scales: {
        x: { type: "linear", ticks: { callback: clockLabel, maxTicksLimit: 8 } },
        y: { beginAtZero: false },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { title: (items) => (items.length ? clockLabel(items[0].parsed.x) + " UTC" : "") } },
      },
    });
  }

  window.AuctionCharts = { color, timeLabel, clockLabel, base, stacked, overTime };
})();
