// Chart of authorised focal points per country (data from json_script; no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("quality-chart");
  var source = document.getElementById("quality-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: "#2b5c8a" }] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
});
