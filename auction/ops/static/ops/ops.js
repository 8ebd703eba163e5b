// The ops page: polls the JSON endpoints, redraws the tables, and posts operators' actions.
// Everything shown comes from the server as data and is written with textContent (never as HTML).
(function () {
  "use strict";
  const root = document.getElementById("ops");
  if (!root) return;
  const urls = root.dataset;
  const refreshMs = Number(urls.refreshSeconds) * 1000;
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const selected = new Set();
  let rebuildRunning = false;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const number = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString());
  const perSecond = (n) => (n === null || n === undefined ? "—" : n.toFixed(n < 10 ? 1 : 0));
  const seconds = (s) => (s === null || s === undefined ? "—" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
  function bytes(n) {
    if (n === null || n === undefined) return "—";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
    return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
  }
  const retention = (ms) => (ms === null ? "forever" : ms % 86400000 === 0 ? `${ms / 86400000} days` : `${ms} ms`);
  const tags = (names, present) => names.map((name) =>
    el("span", { className: present && !present.includes(name) ? "ops-tag missing" : "ops-tag",
                 title: present && !present.includes(name) ? "declared in the registry, not deployed" : null }, name));

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `${url} answered ${response.status}`);
    return data;
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `${url} answered ${response.status}`);
    return data;
  }

  function showError(message) {
    const box = document.getElementById("ops-error");
    box.hidden = !message;
    box.textContent = message || "";
  }

  // The health columns are the /healthz verdict's (null health: no instance configured in OPS_METRICS_TARGETS).
  const age = (s) => (s === null || s === undefined ? "—" : s < 60 ? `${s.toFixed(1)} s ago` : `${Math.round(s / 60)} min ago`);
  function instanceLine(i) {
    if (!i.answered) return el("tr", { className: "instance-down" }, el("td", {}, i.url), el("td", { colspan: 4 }, i.error));
    return el("tr", { className: i.alive ? null : "instance-down" },
      el("td", {}, `${i.url}`, el("br"), el("span", { className: "muted" }, `instance ${i.instance || "?"}`)),
      el("td", {}, i.alive ? (i.ready ? "alive, ready" : "alive, not ready") : "not alive"),
      el("td", { className: "num" }, `partitions ${i.tasks_held.length ? i.tasks_held.join(", ") : "none"} of ${i.task_count}`),
      el("td", { className: "num" }, `aborts in a row ${number(i.aborts_in_a_row)}`),
      el("td", { className: "num" }, `last commit ${age(i.last_commit_age_s)} · lag ${number(i.lag)}`));
  }

  function renderHealth(health) {
    const box = document.getElementById("ops-health");
    if (!health) { box.hidden = true; return; }
    box.hidden = false;
    box.className = `ops-health ${health.status}`;
    box.dataset.status = health.status;
    box.replaceChildren(health.status === "ok" ? "Healthy: /healthz answers 200."
      : el("span", {}, el("strong", {}, "Failing (/healthz answers 503): "), health.failing.join(" · ")));
  }

  function renderProcessors(processors) {
    const body = document.querySelector("#ops-processors tbody");
    body.replaceChildren(...processors.flatMap((p) => {
      const latency = p.latency || {};
      const h = p.health;
      const classes = [p.red ? "failing" : null, p.over_threshold ? "over-threshold" : null].filter(Boolean).join(" ");
      const row = el("tr", { className: classes || null, "data-processor": p.name, "data-lag": p.lag,
                             "data-health": h ? h.status : "unwatched" },
        el("td", {}, el("strong", {}, p.name), el("br"), el("span", { className: "muted" }, p.sink ? "PostgreSQL sink" : "Kafka transactions"),
          p.failing.length ? el("div", { className: "ops-why" }, p.failing.join("; ")) : null),
        el("td", {}, p.group),
        el("td", {}, tags(p.retry_topic ? [...p.inputs, p.retry_topic] : p.inputs), " → ", p.outputs.length ? tags(p.outputs) : el("span", { className: "ops-tag" }, p.sink ? "PostgreSQL" : "side effects")),
        el("td", { className: "num", title: h ? null : "no instance configured (OPS_METRICS_TARGETS)" },
          h ? `${h.instances_alive} of ${h.instances_configured}` : "—"),
        el("td", { className: "num" }, h ? `${h.tasks_held.length} of ${h.task_count}` : "—"),
        el("td", { className: "num" }, h ? number(h.aborts_in_a_row) : "—"),
        el("td", { className: "num" }, h ? age(h.last_commit_age_s) : "—"),
        el("td", { className: "num" }, number(p.lag)),
        el("td", { className: "num" }, number(p.threshold)),
        el("td", { className: "num" }, perSecond(p.consumed_per_second)),
        el("td", { className: "num", title: latency.flow || "no metrics endpoint answered" }, seconds(latency.p50)),
        el("td", { className: "num", title: latency.count !== undefined ? `${latency.count} observations` : null }, seconds(latency.p99)));
      const lagging = p.partitions.filter((row) => row.lag > 0);
      const detail = el("tr", { className: "partitions" }, el("td", { colspan: 12 },
        h ? el("details", {}, el("summary", {}, `${h.instances_alive} of ${h.instances_configured} instances alive`),
          el("table", {}, el("tbody", {}, h.instances.map(instanceLine)))) : null,
        el("details", {}, el("summary", {}, `${p.partitions.length} partitions, ${lagging.length} lagging`),
          el("table", {}, el("tbody", {}, p.partitions.map((part) => el("tr", {},
            el("td", {}, `${part.topic}[${part.partition}]`),
            el("td", { className: "num" }, `committed ${part.committed === null ? "—" : number(part.committed)}`),
            el("td", { className: "num" }, `end ${number(part.end)}`),
            el("td", { className: "num" }, `lag ${number(part.lag)}`))))))));
      return [row, detail];
    }));
  }

  function renderTopics(topics, drift) {
    document.querySelector("#ops-topics tbody").replaceChildren(...topics.map((t) => el("tr", { "data-topic": t.name },
      el("td", {}, el("strong", {}, t.name), t.present ? null : el("span", { className: "ops-tag missing" }, "not on the broker")),
      el("td", { className: "num" }, t.actual_partitions === null || t.actual_partitions === t.partitions ? t.partitions : `${t.actual_partitions} (registry: ${t.partitions})`),
      el("td", {}, retention(t.retention_ms)),
      el("td", {}, t.cleanup_policy),
      el("td", { className: "num" }, bytes(t.size_bytes)),
      el("td", { className: "num" }, number(t.records)),
      el("td", { className: "num" }, perSecond(t.records_per_second)),
      el("td", {}, tags(t.producers)),
      el("td", {}, tags(t.consumers, t.readers)),
      el("td", {}, t.events.length ? tags(t.events) : el("span", { className: "muted" }, "any")))));
    document.getElementById("ops-drift").replaceChildren(...drift.map((line) => el("li", {}, line)));
  }

  function renderDeadLetters(letters) {
    const body = document.querySelector("#dl-table tbody");
    const shown = new Set(letters.map((l) => l.id));
    for (const id of [...selected]) if (!shown.has(id)) selected.delete(id);
    if (!letters.length) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 7, className: "muted" }, "No dead letters here.")));
      return;
    }
    body.replaceChildren(...letters.map((l) => {
      const box = el("input", { type: "checkbox", "data-id": l.id, "aria-label": `Select dead letter ${l.id}`,
                                disabled: l.status !== "pending", checked: selected.has(l.id) });
      box.addEventListener("change", () => (box.checked ? selected.add(l.id) : selected.delete(l.id)));
      const origin = l.origin.topic ? `${l.origin.topic}[${l.origin.partition}] @ ${l.origin.offset}` : "a timer (not replayable)";
      let status = l.status;
      if (l.status === "replayed" && l.replayed_to) status += ` to ${l.replayed_to.topic || ""}[${l.replayed_to.partition}] @ ${l.replayed_to.offset}`;
      if (l.resolved_by) status += ` by ${l.resolved_by}, ${when(l.resolved_at)}`;
      if (l.note) status += ` — ${l.note}`;
      return el("tr", { "data-dead-letter": l.id, "data-status": l.status },
        el("td", {}, box),
        el("td", {}, when(l.received_at)),
        el("td", {}, l.processor),
        el("td", {}, origin, l.event_type ? el("div", { className: "muted" }, l.event_type) : null,
          l.key ? el("div", { className: "muted" }, `key ${l.key}`) : null),
        el("td", {}, el("strong", {}, l.error_type), el("div", {}, l.error)),
        el("td", {}, el("details", {}, el("summary", {}, "show"), el("pre", {}, l.payload))),
        el("td", { className: `status-${l.status}` }, status));
    }));
  }

  function renderRuns(runs) {
    rebuildRunning = runs.some((run) => run.status === "running");
    document.getElementById("rebuild-start").disabled = rebuildRunning;
    document.getElementById("rebuild-runs").replaceChildren(...runs.map((run) => {
      const total = run.records_total || 0;
      const label = `#${run.id} ${run.processor} ${run.status} · ${number(run.records_done)} of ${number(total)} records · by ${run.requested_by} · started ${when(run.started_at)}`
        + (run.finished_at ? ` · finished ${when(run.finished_at)}` : "") + (run.error ? ` · ${run.error}` : "");
      return el("div", { className: `rebuild-run ${run.status}`, "data-run": run.id, "data-status": run.status },
        el("div", {}, label),
        run.status === "running" ? el("progress", { max: Math.max(total, 1), value: run.records_done }) : null);
    }));
  }

  async function refresh() {
    const status = document.getElementById("dl-status").value;
    const results = await Promise.allSettled([
      getJson(urls.overviewUrl),
      getJson(`${urls.deadLettersUrl}?status=${encodeURIComponent(status)}`),
      getJson(urls.rebuildUrl),
    ]);
    const [overview, letters, runs] = results;
    if (overview.status === "fulfilled") {
      renderHealth(overview.value.health);
      renderProcessors(overview.value.processors);
      renderTopics(overview.value.topics, overview.value.drift);
    }
    if (letters.status === "fulfilled") renderDeadLetters(letters.value.dead_letters);
    if (runs.status === "fulfilled") renderRuns(runs.value.runs);
    const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
    showError(failed.join(" · "));
    document.getElementById("ops-updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  async function act(action) {
    try {
      await action();
      showError("");
    } catch (error) {
      showError(error.message);
    }
    await refresh();
  }

  document.getElementById("dl-status").addEventListener("change", refresh);
  document.getElementById("dl-all").addEventListener("change", (event) => {
    for (const box of document.querySelectorAll("#dl-table tbody input[type=checkbox]:not(:disabled)")) {
      box.checked = event.target.checked;
      const id = Number(box.dataset.id);
      box.checked ? selected.add(id) : selected.delete(id);
    }
  });
  document.getElementById("dl-replay").addEventListener("click", () => act(async () => {
    if (!selected.size) throw new Error("Select the dead letters to replay first.");
    await postJson(urls.replayUrl, { ids: [...selected] });
    selected.clear();
  }));
  document.getElementById("dl-discard").addEventListener("click", () => act(async () => {
    if (!selected.size) throw new Error("Select the dead letters to discard first.");
    const reason = document.getElementById("dl-reason").value.trim();
    if (!reason) throw new Error("Say why they are discarded.");
    await postJson(urls.discardUrl, { ids: [...selected], reason });
    selected.clear();
    document.getElementById("dl-reason").value = "";
  }));
  document.getElementById("rebuild-start").addEventListener("click", () => act(async () => {
    const processor = document.getElementById("rebuild-processor").value;
    if (!window.confirm(`Rebuild the ${processor}'s tables from the log now?`)) return;
    await postJson(urls.rebuildUrl, { processor });
  }));

  async function loop() {
    await refresh();
    setTimeout(loop, rebuildRunning ? 1000 : refreshMs);
  }
  loop();
})();
