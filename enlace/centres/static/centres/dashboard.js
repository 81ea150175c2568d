/* Occupancy charts with the vendored Chart.js; the data is what the server allowed (suppressed abroad). */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("centres-charts");
    if (!el || typeof Chart === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    var specs = [["chart-countries", data.countries, "bar"], ["chart-nationality", data.nationality, "bar"],
                 ["chart-sex", data.sex, "doughnut"], ["chart-age", data.age_band, "doughnut"]];
    specs.forEach(function (s) {
      var canvas = document.getElementById(s[0]);
      if (!canvas || !s[1] || !s[1].length) { return; }
      new Chart(canvas, {type: s[2], data: {labels: s[1].map(function (r) { return r[0]; }),
        datasets: [{label: canvas.getAttribute("aria-label"), data: s[1].map(function (r) { return r[1]; })}]},
        options: {animation: false, plugins: {legend: {display: s[2] !== "bar"}}}});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
