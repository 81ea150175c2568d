/* Statistics charts with the vendored Chart.js; the data is what the server allowed (suppressed abroad). */
(function () {
  "use strict";
  function bar(canvas, items, type) {
    if (!canvas || !items || !items.length) { return; }
    new Chart(canvas, {type: type || "bar", data: {labels: items.map(function (r) { return r[0]; }),
      datasets: [{label: canvas.getAttribute("aria-label"), data: items.map(function (r) { return r[1]; })}]},
      options: {animation: false, plugins: {legend: {display: false}}}});
  }
  function draw() {
    var el = document.getElementById("stats-charts");
    if (!el || typeof Chart === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    bar(document.getElementById("chart-countries"), data.countries);
    document.querySelectorAll(".chart-breakdown").forEach(function (c) {
      var b = data.breakdown[parseInt(c.getAttribute("data-index"), 10)];
      if (b) { bar(c, b.items); }
    });
    var t = document.getElementById("chart-trend");
    if (t && data.trend.periods.length) {
      new Chart(t, {type: "line", data: {labels: data.trend.periods, datasets: data.trend.series},
        options: {animation: false, spanGaps: true}});
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
