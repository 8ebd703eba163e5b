// Live updates: prices, leaders, histories, countdown ends and outcomes change in front of the
// visitor, and personal toasts (outbid, won, sold, unsold) show wherever they are on the site.
//
// One websocket per page. The server formats every value (see auction/live/fields.py); this file
// only puts values into the elements marked `data-item-id` + `data-field`. Pushes are at most once,
// so each carries its item's sequence number: messages apply in order, repeats are ignored, and on
// a gap or a (re)connect the page fetches a snapshot and carries on. The page works without any of
// this; it only keeps it current.
(function () {
  "use strict";

  var RECONNECT_MIN_MS = 500, RECONNECT_MAX_MS = 8000;
  var UNKNOWN_ITEM = 4404;  // close codes of auction/live/limits.py
  var RESYNC_MIN_MS = 250, RESYNC_MAX_MS = 4000;
  var TOAST_MS = 10000, FLASH_MS = 1200;

  // -- what this page follows --------------------------------------------------------------

  var itemPage = document.querySelector("article.item[data-item-id][data-seq]");
  var roots = {};  // item id -> the element carrying its data-seq
  Array.prototype.forEach.call(document.querySelectorAll("[data-item-id][data-seq]"), function (root) {
    roots[root.dataset.itemId] = root;
  });
  var ids = Object.keys(roots);
  var personal = !!document.querySelector('meta[name="live-personal"]');
  var stream = itemPage ? "items/" + itemPage.dataset.itemId + "/" : ids.length ? "browse/" : "";
  if (!ids.length && !personal) return;

  var tracked = {};  // item id -> {syncing, buffer: [messages waiting for a snapshot], retryMs}
  var leadSeq = {};  // item id -> the seq at which this visitor's own group said "you lead"
  ids.forEach(function (id) { tracked[id] = { syncing: false, buffer: [], retryMs: RESYNC_MIN_MS }; });

  function seqOf(id) { return Number(roots[id].dataset.seq); }

  // -- putting values into the page --------------------------------------------------------

  function elements(id, field) {
    return document.querySelectorAll('[data-item-id="' + id + '"][data-field="' + field + '"]');
  }

  function flash(element) {
    element.classList.remove("live-flash");
    void element.offsetWidth;  // restart the animation
    element.classList.add("live-flash");
    setTimeout(function () { element.classList.remove("live-flash"); }, FLASH_MS);
  }

  // One polite live region (in base.html) tells screen readers what changed: new prices, the
  // close, and the personal news ("you have been outbid").
  var announcer = document.querySelector("[data-announcer]");
  var pending = [];
  function announce(text) {
    if (!announcer || !text) return;
    // News arriving together (a new price and "you have been outbid") is said together, once.
    if (!pending.length) {
      setTimeout(function () {
        announcer.textContent = pending.map(function (part) { return /[.!?]$/.test(part) ? part : part + "."; }).join(" ");
        pending = [];
      }, 150);
      announcer.textContent = "";  // a fresh change is read even if the words repeat
    }
    if (pending.indexOf(text) < 0) pending.push(text);
  }

  function localTime(element) {
    if (window.AuctionLocalTime) window.AuctionLocalTime.render(element);
  }

  var wonText = {};  // item id -> the winner's own words, from their "won" toast

  function setText(element, text) {
    if (element.textContent === text) return;
    element.textContent = text;
    flash(element);
  }

  function renderLeader(element, leader, you) {
    element.hidden = !leader;
    if (!leader) { element.textContent = ""; return; }
    if (you) {
      var strong = document.createElement("strong");
      strong.textContent = "You're the highest bidder.";
      element.replaceChildren(strong);
    } else {
      element.textContent = "Highest bidder: " + leader.name;
    }
    flash(element);
  }

  var RENDER = {
    "price": function (element, value) {
      var changed = element.textContent !== value;
      setText(element, value);
      if (changed && element.classList.contains("price-big")) announce("Price now " + value);
    },
    "price-label": setText,
    "minimum-bid": function (element, value) {
      if (!value) return;
      setText(element, value.text);
      var form = element.closest("form");
      var amount = form && form.querySelector('input[name="amount"]');
      if (amount) amount.placeholder = value.amount;
    },
    "bid-count": function (element, value) {
      element.dataset.count = value.count;
      setText(element, value.text);
    },
    "reserve": function (element, value) {
      if (!value) return;
      element.dataset.reserveMet = String(value.met);
      element.classList.toggle("pill-good", value.met);
      element.classList.toggle("pill-warn", !value.met);
      setText(element, value.text);
    },
    "buy-now": function (element, available) { element.hidden = !available; },
    "time-left": function (element, value) {
      // countdown.js ticks from data-ends-at with the server's clock offset; a closed item stops.
      element.dataset.endsAt = value.ends_at;
      element.setAttribute("datetime", value.ends_at);
      Array.prototype.forEach.call(elements(element.dataset.itemId, "ends-at"), function (ends) {
        if (ends.getAttribute("datetime") === value.ends_at) return;
        ends.setAttribute("datetime", value.ends_at);  // an extension: "· ends …" follows the countdown
        localTime(ends);
        flash(ends);
      });
      if (value.closed && !element.hasAttribute("data-closed")) {
        element.setAttribute("data-closed", "");
        element.classList.remove("ending-soon");
        setText(element, "Ended");
      }
    },
    "outcome": function (element, value) {
      if (!value) return;
      // The item's channel speaks to everyone (the winner masked); the winner keeps their own words.
      var text = wonText[element.dataset.itemId] || (element.hasAttribute("data-yours") && !element.hidden ? element.textContent : value.text);
      var news = element.hidden || element.textContent !== text;
      element.className = "banner banner-" + value.code;
      element.hidden = false;
      setText(element, text);
      if (news) announce(text);
    },
  };

  function applyFields(id, seq, fields) {
    Object.keys(fields).forEach(function (field) {
      if (field === "status" || field === "leader") return;
      var render = RENDER[field];
      if (!render) return;
      Array.prototype.forEach.call(elements(id, field), function (element) { render(element, fields[field]); });
    });
    if ("leader" in fields) {
      var leader = fields.leader;
      if (leader && leader.you) leadSeq[id] = seq;
      var you = !!leader && leadSeq[id] === seq;
      Array.prototype.forEach.call(elements(id, "leader"), function (element) { renderLeader(element, leader, you); });
    }
    if (fields.status) setStatus(id, fields.status);
  }

  // What the page said of one's own bid when it loaded ("You're the highest bidder.") is out of
  // date once personal news of this item comes (outbid, won): the toast says what holds now.
  function dropStandingMessages() {
    Array.prototype.forEach.call(document.querySelectorAll(".messages .bid-standing"), function (message) {
      var list = message.parentNode;
      message.remove();
      if (!list.children.length) list.remove();
    });
  }

  function setStatus(id, status) {
    var root = roots[id];
    if (root.dataset.status === status) return;
    root.dataset.status = status;
    if (status !== "closed") return;
    root.classList.add("live-closed");
    // Bidding is over: the forms would only be refused now (the server stays the judge).
    Array.prototype.forEach.call(root.querySelectorAll("form.bid-form"), function (form) { form.hidden = true; });
    Array.prototype.forEach.call(elements(id, "buy-now"), function (element) { element.hidden = true; });
  }

  function historyItem(row) {
    var item = document.createElement("li");
    [["span", "bidder", row.bidder], ["span", "amount", row.amount], ["time", "", row.time]].forEach(function (part) {
      var element = document.createElement(part[0]);
      if (part[1]) element.className = part[1];
      element.textContent = part[2];
      item.appendChild(element);
    });
    item.lastChild.setAttribute("datetime", row.datetime);
    item.lastChild.dataset.local = "seconds";
    localTime(item.lastChild);
    return item;
  }

  function addBid(id, row) {
    Array.prototype.forEach.call(elements(id, "history"), function (list) {
      var empty = list.querySelector(".empty-history");
      if (empty) empty.remove();
      var item = historyItem(row);
      list.insertBefore(item, list.firstChild);
      flash(item);
    });
  }

  function replaceHistory(id, rows) {
    if (!rows.length) return;
    Array.prototype.forEach.call(elements(id, "history"), function (list) {
      list.replaceChildren.apply(list, rows.map(historyItem));
    });
  }

  // -- ordering: apply in sequence, resync from a snapshot on a gap --------------------------

  function receive(message) {
    var entry = tracked[message.item];
    if (!entry) return;
    if (entry.syncing) { entry.buffer.push(message); return; }
    var seq = seqOf(message.item);
    if (message.seq <= seq) return;  // a repeat, or older than what the page shows
    if (message.seq === seq + 1) { apply(message); return; }
    entry.buffer.push(message);
    resync([message.item]);
  }

  function apply(message) {
    applyFields(message.item, message.seq, message.fields);
    if (message.bid) addBid(message.item, message.bid);
    roots[message.item].dataset.seq = message.seq;
  }

  function applySnapshot(snapshot) {
    if (!tracked[snapshot.item] || snapshot.seq < seqOf(snapshot.item)) return;
    applyFields(snapshot.item, snapshot.seq, snapshot.fields);
    if (snapshot.history) replaceHistory(snapshot.item, snapshot.history);
    roots[snapshot.item].dataset.seq = snapshot.seq;
  }

  function drain(id) {
    // Buffered messages continue from the snapshot; returns false while a gap remains.
    var entry = tracked[id];
    entry.buffer.sort(function (a, b) { return a.seq - b.seq; });
    while (entry.buffer.length) {
      var next = entry.buffer[0], seq = seqOf(id);
      if (next.seq > seq + 1) return false;  // the read model has not caught up with the push yet
      entry.buffer.shift();
      if (next.seq === seq + 1) apply(next);
    }
    return true;
  }

  function snapshotUrl(wanted) {
    if (itemPage) return "/live/items/" + wanted[0] + "/";
    return "/live/items/?" + wanted.map(function (id) { return "id=" + encodeURIComponent(id); }).join("&");
  }

  function resync(wanted) {
    wanted.forEach(function (id) { tracked[id].syncing = true; });
    fetch(snapshotUrl(wanted), { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("snapshot: HTTP " + response.status);
        return response.json();
      })
      .then(function (body) { (body.items || [body]).forEach(applySnapshot); })
      .catch(function () { /* the server is away: try again below */ })
      .then(function () {
        var behind = wanted.filter(function (id) { return !drain(id); });
        wanted.forEach(function (id) {
          var entry = tracked[id];
          if (behind.indexOf(id) < 0) { entry.syncing = false; entry.retryMs = RESYNC_MIN_MS; }
        });
        if (!behind.length) return;
        var delay = tracked[behind[0]].retryMs;
        behind.forEach(function (id) { tracked[id].retryMs = Math.min(RESYNC_MAX_MS, tracked[id].retryMs * 2); });
        setTimeout(function () { resync(behind); }, delay);
      });
  }

  // -- the personal channel ----------------------------------------------------------------

  var toasts = null, seenToasts = {};

  function toast(message) {
    var key = message.kind + ":" + message.item + ":" + message.seq;
    if (seenToasts[key]) return;  // a repeated push
    seenToasts[key] = true;
    if (tracked[message.item]) dropStandingMessages();
    if (message.kind === "won") {
      wonText[message.item] = message.text.replace(/\.$/, "");
      Array.prototype.forEach.call(elements(message.item, "outcome"), function (element) {
        if (!element.hidden) setText(element, wonText[message.item]);
      });
    }
    announce(message.text);
    if (!toasts) {
      toasts = document.createElement("div");
      toasts.className = "live-toasts";  // read out through the page's announcer, once
      document.body.appendChild(toasts);
    }
    var box = document.createElement("div");
    box.className = "toast toast-" + message.kind;
    var text = document.createElement("p");
    text.textContent = message.text;
    var link = document.createElement("a");
    link.href = message.url;
    link.textContent = "View item";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { box.remove(); });
    box.append(text, link, close);
    toasts.appendChild(box);
    setTimeout(function () { box.remove(); }, TOAST_MS);
  }

  function lead(message) {
    leadSeq[message.item] = message.seq;
    if (tracked[message.item] && seqOf(message.item) === message.seq) {
      Array.prototype.forEach.call(elements(message.item, "leader"), function (element) {
        renderLeader(element, { name: "" }, true);
      });
    }
  }

  // -- the socket: reconnect with back-off, show that it is reconnecting --------------------
  // <html data-live="connecting|open|reconnecting|closed"> tells styles (live.css) and tests the state.

  var socket = null, attempts = 0, leaving = false;

  function setState(state) {
    document.documentElement.dataset.live = state;
    if (state !== "reconnecting" || document.querySelector(".live-status")) return;
    var status = document.createElement("div");
    status.className = "live-status";
    status.setAttribute("role", "status");
    status.textContent = "Reconnecting…";
    document.body.appendChild(status);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    if (!attempts) setState("connecting");
    socket = new WebSocket(scheme + location.host + "/ws/live/" + stream);
    socket.onopen = function () {
      attempts = 0;
      setState("open");
      if (ids.length) resync(ids);  // catch up on what happened before or while away
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "item") receive(message);
      else if (message.type === "lead") lead(message);
      else if (message.type === "toast") toast(message);
    };
    socket.onclose = function (event) {
      socket = null;
      if (leaving) return;
      if (event.code === UNKNOWN_ITEM) { setState("closed"); return; }  // nothing to follow: retrying cannot help
      // 4429 (too many pages open from this address) is retried with the usual back-off.
      setState("reconnecting");
      var delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * Math.pow(2, attempts++));
      setTimeout(connect, delay * (0.5 + Math.random() / 2));
    };
  }

  window.addEventListener("pagehide", function () { leaving = true; if (socket) socket.close(); });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !socket) { leaving = false; connect(); }  // back from the back/forward cache
  });
  connect();
})();
