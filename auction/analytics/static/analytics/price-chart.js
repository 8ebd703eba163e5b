/* An item's price over time, on its page; polls for new bids while the page is open. */
(function () {
  "use strict";

  const root = document.querySelector("[data-price-chart]");
  if (!root || !window.Chart) return;
  const C = window.AuctionCharts;
  const empty = root.querySelector("[data-empty]");
  let chart = null;

  function render(points) {
    empty.hidden = points.length > 0;
    const data = { datasets: [{ label: `Price (${root.dataset.currency})`, data: points, borderColor: C.color(0), backgroundColor: C.color(0), stepped: true, pointRadius: 3 }] };
    if (chart) {
      chart.data = data;
      chart.update("none");
    } else {
      chart = new window.Chart(root.querySelector("canvas"), { type: "line", data, options: C.overTime() });
    }
    root.dataset.points = String(points.length);
  }

  async function refresh() {
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok) render((await response.json()).points);
    } catch (error) {
      /* offline for a moment: the next poll tries again */
    }
  }

  window.AuctionPriceChart = { render, refresh };
  refresh();
  window.setInterval(refresh, Number(root.dataset.refreshSeconds) * 1000);
})();
