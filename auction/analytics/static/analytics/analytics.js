/* The analytics page: charts and tables drawn from the dashboard JSON, kept current live.

   `AuctionAnalytics.render(data)` is the only way figures reach the page. The page listens on
   the live socket /ws/live/analytics/, where the analytics processor says "analytics" (at most
   once a second) after it stored new figures; the page then fetches its JSON again. It fetches
   on every (re)connect too, for what changed while it was away. Only while the socket is down
   does it poll, every `data-refresh-seconds`; it reconnects with back-off. `data-live` on the
   root says "open" or "polling". */
(function () {
  "use strict";

  const root = document.getElementById("analytics");
  if (!root || !window.Chart) return;
  const C = window.AuctionCharts;
  const charts = {};

  function datasets(series, type) {
    return series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: C.color(i), borderColor: C.color(i), type }));
  }

  const BUILDERS = {
    "bids": (d) => ({ type: "bar", data: { labels: d.labels.map(C.timeLabel), datasets: datasets(d.series) }, options: C.stacked() }),
    "hot-items": (d) => ({
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: "Bids", data: d.data, backgroundColor: C.color(0) }] },
      options: C.base({ indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
    }),
    "price-trajectories": (d) => ({
      type: "line",
      data: {
        datasets: d.series.map((s, i) => ({ label: s.label, data: s.points, borderColor: C.color(i), backgroundColor: C.color(i), stepped: true, pointRadius: 2 })),
      },
      options: C.overTime(),
    }),
    "closing-prices": (d) => ({
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: "Average closing price", data: d.data, backgroundColor: C.color(2) }] },
      options: C.base({ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }),
    }),
    "sell-through": (d) => ({ type: "bar", data: { labels: d.labels, datasets: datasets(d.series) }, options: C.stacked() }),
    "sell-through-over-time": (d) => ({ type: "bar", data: { labels: d.labels.map(C.timeLabel), datasets: datasets(d.series) }, options: C.stacked() }),
    "highest-bids": (d) => ({
      type: "line",
      data: { labels: d.labels.map(C.timeLabel), datasets: [{ label: "Highest bid", data: d.data, borderColor: C.color(3), backgroundColor: C.color(3), spanGaps: true, pointRadius: 2 }] },
      options: C.base({ plugins: { legend: { display: false } } }),
    }),
  };

  function draw(name, config) {
    const existing = charts[name];
    if (existing) {
      existing.data = config.data;
      existing.update("none");
      return;
    }
    const canvas = root.querySelector(`canvas[data-chart="${name}"]`);
    if (canvas) charts[name] = new window.Chart(canvas, config);
  }

  const FORMATS = {
    int: (v) => Number(v).toLocaleString("en"),
    money: (v) => v,
    time: (v) => C.timeLabel(v),
    share: (v) => `${Math.round(v * 100)}%`,
    seconds: (v) => (v < 60 ? `${Math.round(v)} s` : `${Math.floor(v / 60)} min ${Math.round(v % 60)} s`),
    text: (v) => v,
  };

  function cell(tag, text, kind) {
    const element = document.createElement(tag);
    element.textContent = text;
    if (kind && kind !== "text") element.className = "num";
    return element;
  }

  function renderTable(container, table) {
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    table.columns.forEach((column) => head.appendChild(cell("th", column.label, column.kind)));
    const body = element.createTBody();
    table.rows.forEach((row) => {
      const line = body.insertRow();
      row.forEach((value, i) => {
        const kind = table.columns[i].kind;
        line.appendChild(cell("td", value === null ? "–" : FORMATS[kind](value), kind));
      });
    });
    if (!table.rows.length) {
      const line = body.insertRow();
      const empty = cell("td", "Nothing yet.");
      empty.colSpan = table.columns.length;
      line.appendChild(empty);
    }
    container.replaceChildren(element);
  }

  function render(data) {
    Object.entries(data.charts).forEach(([name, chart]) => BUILDERS[name] && draw(name, BUILDERS[name](chart)));
    Object.entries(data.tables).forEach(([name, table]) => {
      const container = root.querySelector(`[data-table="${name}"]`);
      if (container) renderTable(container, table);
    });
    const k = data.kpis;
    const shown = { bids: FORMATS.int(k.bids), closed: FORMATS.int(k.closed), sell_through: k.sell_through === null ? "–" : FORMATS.share(k.sell_through), late_events: FORMATS.int(k.late_events) };
    Object.entries(shown).forEach(([key, text]) => {
      const element = root.querySelector(`[data-kpi="${key}"]`);
      if (element) element.textContent = text;
    });
    const clock = root.querySelector("[data-clock]");
    if (clock && data.clock.latest) {
      clock.textContent = `Event time now ${C.timeLabel(data.clock.latest)} UTC · windows final up to ${data.clock.final_until ? C.timeLabel(data.clock.final_until) : "–"} UTC · updated live`;
    }
    root.dataset.renderedAt = String(Date.now());
  }

  let fetching = null, again = false;

  async function refresh() {
    if (fetching) {  // one fetch at a time, so an older answer never overwrites a newer one
      again = true;
      return fetching;
    }
    fetching = (async () => {
      try {
        const response = await fetch(root.dataset.url + window.location.search, { headers: { Accept: "application/json" } });
        if (response.ok) render(await response.json());
      } catch (error) {
        /* offline for a moment: the next message or poll tries again */
      }
    })();
    await fetching;
    fetching = null;
    if (again) {
      again = false;
      return refresh();
    }
  }

  const RECONNECT_MIN_MS = 500, RECONNECT_MAX_MS = 8000;
  let poller = null, attempts = 0, leaving = false, socket = null;

  function polling(on) {
    if (on && !poller) poller = window.setInterval(refresh, Number(root.dataset.refreshSeconds) * 1000);
    if (!on && poller) {
      window.clearInterval(poller);
      poller = null;
    }
    root.dataset.live = on ? "polling" : "open";
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(`${scheme}${window.location.host}/ws/live/analytics/`);
    } catch (error) {
      polling(true);
      return;
    }
    socket.onopen = () => {
      attempts = 0;
      polling(false);
      refresh();  // what changed before or while the socket was away
    };
    socket.onmessage = (event) => {
      let message = null;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.type === "analytics") refresh();
    };
    socket.onclose = () => {
      socket = null;
      if (leaving) return;
      polling(true);
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempts++);
      window.setTimeout(connect, delay * (0.5 + Math.random() / 2));
    };
  }

  root.querySelectorAll(".analytics-filters select").forEach((select) => select.addEventListener("change", () => select.form.submit()));
  window.AuctionAnalytics = { render, refresh, charts };
  render(JSON.parse(document.getElementById("analytics-data").textContent));
  polling(true);  // until the socket is open
  window.addEventListener("pagehide", () => { leaving = true; if (socket) socket.close(); });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !socket) { leaving = false; connect(); }  // back from the back/forward cache
  });
  connect();
})();
