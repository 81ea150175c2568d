// Secure exchange: live inbox (Server-Sent Events), per-type form sections, responsiveness chart.
// Loaded with <script src> (the CSP forbids inline scripts). Everything works without it, minus live updates.
(function () {
  "use strict";

  function fetchHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.text();
    });
  }

  function announce(text) {
    var live = document.getElementById("live-status");
    if (live && text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
  }

  function openStream(url, onEvent) {
    var state = document.getElementById("stream-state");
    var source = new EventSource(url);
    var handler = function (e) {
      try { onEvent(JSON.parse(e.data)); } catch (err) { /* ignore malformed */ }
    };
    ["thread", "message", "status"].forEach(function (name) { source.addEventListener(name, handler); });
    source.addEventListener("open", function () {
      if (state) { state.textContent = state.dataset.connected || ""; state.dataset.live = "1"; }
      document.body.dataset.streamOpen = "1";
    });
    source.addEventListener("error", function () {
      if (state) { state.textContent = state.dataset.disconnected || ""; state.dataset.live = "0"; }
    });
    // The server ends the stream when the official's standing lapsed (revoked, suspended, expired).
    source.addEventListener("end", function () {
      source.close();
      if (state) { state.textContent = state.dataset.ended || state.dataset.disconnected || ""; state.dataset.live = "0"; }
    });
    return source;
  }

  function initInbox() {
    var results = document.getElementById("results");
    if (!results || !results.dataset.streamUrl) { return; }
    var rowUrl = results.dataset.rowUrl;
    openStream(results.dataset.streamUrl, function (data) {
      var url = rowUrl.replace(/\/0\/fila\/$/, "/" + data.thread + "/fila/");
      fetchHTML(url).then(function (html) {
        var tbody = document.getElementById("inbox-rows");
        if (!tbody) { return; }
        var tpl = document.createElement("tbody");
        tpl.innerHTML = html.trim();
        var row = tpl.firstElementChild;
        if (!row) { return; }
        var existing = document.getElementById(row.id);
        if (existing) { existing.replaceWith(row); } else {
          var empty = document.getElementById("inbox-empty");
          if (empty) { empty.remove(); }
          tbody.insertBefore(row, tbody.firstChild);
          var state = document.getElementById("stream-state");
          announce(state ? state.dataset.new : "");
        }
      }).catch(function () { /* not visible to us (404): nothing to show */ });
    });
  }

  function initThread() {
    var box = document.getElementById("thread-messages");
    if (!box || !box.dataset.streamUrl) { return; }
    var id = Number(box.dataset.thread);
    var receipts = document.getElementById("thread-receipts");
    openStream(box.dataset.streamUrl, function (data) {
      if (Number(data.thread) !== id) { return; }
      // Every change may move a receipt (delivery, acknowledgement, answer): the sender sees it live.
      if (receipts && receipts.dataset.refreshUrl) {
        fetchHTML(receipts.dataset.refreshUrl).then(function (html) { receipts.innerHTML = html; }).catch(function () {});
      }
      if (data.type === "status") { return; }
      fetchHTML(box.dataset.refreshUrl).then(function (html) { box.innerHTML = html; }).catch(function () {});
    });
  }

  function initCompose() {
    var kind = document.getElementById("id_kind");
    if (!kind) { return; }
    var sync = function () {
      document.querySelectorAll("fieldset.kind-fields").forEach(function (fs) {
        fs.hidden = fs.dataset.kind !== kind.value;
      });
    };
    kind.addEventListener("change", sync);
    sync();
    // A double click on "Enviar" sends once (the server also refuses duplicates by idempotency key).
    var form = document.getElementById("compose-form");
    if (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    }
  }

  function initChart() {
    var el = document.getElementById("responsiveness-chart");
    var src = document.getElementById("responsiveness-data");
    if (!el || !src || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(src.textContent);
    new window.Chart(el, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.ack_label, data: data.ack, backgroundColor: "#1f5f99" },
          { label: data.answer_label, data: data.answer, backgroundColor: "#d98c1f" }
        ]
      },
      options: { responsive: true, scales: { y: { beginAtZero: true } } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initInbox();
    initThread();
    initCompose();
    initChart();
  });
})();
