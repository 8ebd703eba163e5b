// The replay control of the item page (auction/replay/templates/replay/_replay.html): a slider over the
// auction's life, from its listing to its close (or to now while it runs), with a tick for every accepted
// bid, extension and the close. Each position asks /api/items/<id>/as-of for the item as it stood then;
// the state changes only at a tick (or at the end), so answers are kept per number of ticks passed.
// While the auction runs, the live channel's updates (live.js moves the article's data-seq) fetch the
// timeline again, so it grows as bids arrive.
(function () {
  "use strict";

  var TICK_MS = 250;
  var OUTCOMES = {
    sold: "Sold", bought_now: "Bought with Buy It Now", no_bids: "Ended without bids",
    reserve_not_met: "Ended: reserve not met", cancelled: "Cancelled",
  };

  function setup(root) {
    var api = root.dataset.api;
    var currency = root.dataset.currency;
    var body = root.querySelector("[data-replay-body]");
    var slider = root.querySelector("[data-replay-slider]");
    var datalist = root.querySelector("[data-replay-datalist]");
    var ticks = root.querySelector("[data-replay-ticks]");
    var when = root.querySelector("[data-replay-when]");
    var summary = root.querySelector("[data-replay-summary]");
    var play = root.querySelector("[data-replay-play]");
    var speed = root.querySelector("[data-replay-speed]");
    var state = root.querySelector("[data-replay-state]");
    var history = root.querySelector("[data-replay-history]");
    var error = root.querySelector("[data-replay-error]");
    var money = new Intl.NumberFormat("en-US", { style: "currency", currency: currency });
    var times = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" });
    var timeline = null, listedMs = 0, cache = {}, asked = 0, shown = 0, playing = null;

    function field(name) { return root.querySelector('[data-replay-field="' + name + '"]'); }
    function amount(text) { return text == null ? "—" : money.format(Number(text)); }
    // The slider counts milliseconds since the listing, with step "any": the arrow keys move it by a
    // hundredth of the auction, Page Up/Down by a tenth, and a tick sits exactly at its change.
    function markOffsets() { return timeline.marks.map(function (m) { return Math.max(0, Date.parse(m.at) - listedMs); }); }
    function endOffset() {
      var end = timeline.closed ? Date.parse(timeline.ends_at) : Date.now();
      return Math.max(1, end - listedMs);
    }
    // Dates keep milliseconds and the server microseconds: one millisecond more is never before a moment
    // it rounded down, so the listing itself (offset 0) and each tick's change are included.
    function momentOf(offset) { return new Date(listedMs + Math.round(offset) + 1); }

    function duration(ms) {
      var s = Math.max(0, Math.floor(ms / 1000)), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
      var m = Math.floor(s % 3600 / 60);
      if (d) return d + "d " + h + "h";
      if (h) return h + "h " + m + "m";
      return m + "m " + (s % 60) + "s";
    }

    function drawTimeline() {
      var atEnd = Number(slider.value) >= Number(slider.max);
      var max = endOffset();
      slider.max = String(max);
      if (atEnd) slider.value = String(max);
      datalist.textContent = "";
      ticks.textContent = "";
      var counts = { bid: 0, extension: 0, close: 0 };
      markOffsets().forEach(function (offset, index) {
        var kind = timeline.marks[index].kind;
        counts[kind] += 1;
        var option = document.createElement("option");
        option.value = String(offset);
        datalist.appendChild(option);
        var tick = document.createElement("span");
        tick.className = "replay-tick replay-tick-" + kind;
        tick.style.left = (100 * offset / max) + "%";
        ticks.appendChild(tick);
      });
      summary.textContent = "Marks: " + counts.bid + " accepted bid" + (counts.bid === 1 ? "" : "s") +
        (counts.extension ? ", " + counts.extension + " extension" + (counts.extension === 1 ? "" : "s") : "") +
        (timeline.closed ? ", the close" : "; still running") + ".";
    }

    function render(item, offset) {
      var moment = momentOf(offset), closed = item.status === "closed";
      when.textContent = times.format(moment);
      slider.setAttribute("aria-valuetext", times.format(moment) + ": " + item.bid_count + " bid" + (item.bid_count === 1 ? "" : "s"));
      root.querySelector("[data-replay-price-label]").textContent = closed ? (OUTCOMES[item.outcome] || "Ended") : (item.bid_count ? "Current price" : "Starting price");
      field("price").textContent = amount(item.current_price || item.starting_price);
      field("minimum").textContent = closed ? "—" : amount(item.minimum_bid);
      field("leader").textContent = item.leader || "No bids yet";
      field("count").textContent = String(item.bid_count);
      var reserve = field("reserve");  // only an item with a reserve has the row
      if (reserve) reserve.textContent = item.reserve_met ? "Reserve met" : "Reserve not met";
      field("left").textContent = closed ? "Ended" : duration(Date.parse(item.ends_at) - moment.getTime());
      history.textContent = "";
      var bids = timeline.bids.filter(function (bid) { return bid.seq <= item.seq; }).reverse();
      bids.forEach(function (bid) {
        var li = document.createElement("li");
        [["bidder", bid.bidder], ["amount", amount(bid.amount)]].forEach(function (part) {
          var span = document.createElement("span");
          span.className = part[0];
          span.textContent = part[1];
          li.appendChild(span);
        });
        var time = document.createElement("time");
        time.setAttribute("datetime", bid.at);
        time.textContent = times.format(new Date(bid.at));
        li.appendChild(time);
        history.appendChild(li);
      });
      if (!bids.length) {
        var empty = document.createElement("li");
        empty.className = "muted empty-history";
        empty.textContent = "No bids yet.";
        history.appendChild(empty);
      }
    }

    function show(offset) {
      var moment = momentOf(offset);
      var passed = markOffsets().filter(function (o) { return o <= offset; }).length;
      var key = String(passed);
      var cached = cache[key];
      if (cached && cached.status === "open" && Date.parse(cached.ends_at) <= moment.getTime()) key += "|ended";
      cached = cache[key];
      if (cached) { error.hidden = true; render(cached, offset); return; }
      var ask = ++asked;
      fetch(api + "as-of?at=" + encodeURIComponent(moment.toISOString()), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); })
        .then(function (answer) {
          if (!answer.ok) throw new Error(answer.json.error || "The replay is not available.");
          cache[key] = answer.json;
          if (ask >= shown) { shown = ask; error.hidden = true; render(answer.json, Number(slider.value)); }
        })
        .catch(function (problem) { error.textContent = problem.message || "The replay is not available right now."; error.hidden = false; });
    }

    function stop() {
      if (playing) clearInterval(playing);
      playing = null;
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
      state.setAttribute("aria-live", "polite");
    }

    function start() {
      if (Number(slider.value) >= Number(slider.max)) slider.value = "0";
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      state.setAttribute("aria-live", "off");  // no running commentary while it plays
      playing = setInterval(function () {
        var next = Math.min(Number(slider.max), Number(slider.value) + Number(speed.value) * TICK_MS);
        slider.value = String(next);
        show(next);
        if (next >= Number(slider.max)) stop();
      }, TICK_MS);
    }

    // The live channel can bring a change before the replay index has it (another processor writes
    // that): a timeline older than the page's data-seq is asked again, a few times, until it catches up.
    var article = root.closest("[data-seq]"), behindTries = 0;
    function behind() {
      var newest = timeline.marks.reduce(function (most, mark) { return Math.max(most, mark.seq); }, 0);
      return article && newest < Number(article.getAttribute("data-seq"));
    }

    function load() {
      return fetch(api + "timeline", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); })
        .then(function (answer) {
          if (!answer.ok) throw new Error(answer.json.error || "The replay is not available.");
          timeline = answer.json;
          listedMs = Date.parse(timeline.listed_at);
          cache = {};
          drawTimeline();
          body.hidden = false;
          show(Number(slider.value));
          if (behind() && behindTries < 20) { behindTries += 1; setTimeout(load, 500); } else behindTries = 0;
        })
        .catch(function (problem) { error.textContent = problem.message; error.hidden = false; body.hidden = false; });
    }

    slider.addEventListener("input", function () { show(Number(slider.value)); });
    play.addEventListener("click", function () { if (playing) stop(); else start(); });
    root.querySelector("[data-replay-latest]").addEventListener("click", function () {
      stop();
      slider.value = slider.max;
      show(Number(slider.value));
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-replay-step]"), function (button) {
      button.addEventListener("click", function () {
        if (!timeline) return;
        stop();
        var now = Number(slider.value), forward = button.dataset.replayStep === "1";
        var offsets = markOffsets().concat([0, Number(slider.max)]).sort(function (a, b) { return a - b; });
        var target = forward ? offsets.filter(function (o) { return o > now; })[0] : offsets.filter(function (o) { return o < now; }).pop();
        if (target == null) return;
        slider.value = String(target);
        show(target);
      });
    });

    if (article && window.MutationObserver) {
      new MutationObserver(function () { if (!playing) load(); }).observe(article, { attributes: true, attributeFilter: ["data-seq", "data-status"] });
    }
    setInterval(function () {  // while it runs the timeline reaches to now; following the end keeps up with it
      if (!timeline || timeline.closed || playing) return;
      drawTimeline();
      if (Number(slider.value) >= Number(slider.max)) show(Number(slider.value));
    }, 1000);
    load();
  }

  function setupAll() { Array.prototype.forEach.call(document.querySelectorAll("[data-replay]"), setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupAll);
  else setupAll();
})();
