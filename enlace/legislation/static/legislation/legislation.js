// Penalties comparison charts of the legislation matrix (Chart.js, vendored). Data comes from json_script.
(function () {
  "use strict";
  var COLOURS = { min: "#4f7fb3", max: "#a33b3b" };

  function render(root) {
    var holder = (root || document).querySelector ? document.getElementById("penalties-data") : null;
    if (!holder || typeof window.Chart === "undefined") { return; }
    var data;
    try { data = JSON.parse(holder.textContent); } catch (e) { return; }
    document.querySelectorAll("canvas[data-penalties]").forEach(function (canvas) {
      var proto = canvas.getAttribute("data-penalties");
      var d = data.penalties[proto];
      if (!d) { return; }
      var existing = window.Chart.getChart(canvas);
      if (existing) { existing.destroy(); }
      var chart = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: d.countries,
          datasets: [
            { label: data.labels.min, data: d.min, backgroundColor: COLOURS.min },
            { label: data.labels.max, data: d.max, backgroundColor: COLOURS.max }
          ]
        },
        options: {
          responsive: true,
          animation: false,
          scales: { y: { beginAtZero: true, title: { display: true, text: data.labels.axis } } },
          plugins: { legend: { position: "bottom" } }
        }
      });
      canvas.setAttribute("data-rendered", String(chart.data.labels.length));
    });
  }

  function renderCompliance() {
    var holder = document.getElementById("compliance-data");
    var canvas = document.getElementById("compliance-chart");
    if (!holder || !canvas || typeof window.Chart === "undefined") { return; }
    var d = JSON.parse(holder.textContent);
    var existing = window.Chart.getChart(canvas);
    if (existing) { existing.destroy(); }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: "#2e7d4f" }] },
      options: { indexAxis: "y", animation: false, scales: { x: { min: 0, max: 100 } } }
    });
    canvas.setAttribute("data-rendered", String(d.labels.length));
  }

  document.addEventListener("DOMContentLoaded", function () { render(); renderCompliance(); });
  document.addEventListener("htmx:afterSwap", function () { render(); });
})();
