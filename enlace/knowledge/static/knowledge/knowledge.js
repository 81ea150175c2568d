// Trend chart of the knowledge dashboard (data from json_script; no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("k-trend-data");
    var canvas = document.getElementById("k-trend");
    if (!holder || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var colours = { implemented: "#1b7f3b", in_progress: "#f2c94c", not_started: "#d9534f", not_applicable: "#9aa5b1" };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: colours[s.key] || "#888" };
        })
      },
      options: {
        responsive: true,
        plugins: { title: { display: true, text: data.title } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
