// Cases: the link graph (vendored Cytoscape.js) and import progress. No inline scripts (CSP).
(function () {
  "use strict";
  var COLOURS = {Case: "#1b2a41", Person: "#0b5394", Phone: "#1e6b34", Passport: "#8a5300", Identification: "#8a5300",
                 Organization: "#a4161a", Other: "#5b2a86"};

  function drawGraph() {
    var box = document.getElementById("case-graph");
    var source = document.getElementById("graph-data");
    if (!box || !source || typeof window.cytoscape !== "function") { return; }
    var data = JSON.parse(source.textContent);
    var elements = data.nodes.concat(data.edges);
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      style: [
        {selector: "node", style: {"label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4,
                                    "background-color": function (n) { return COLOURS[n.data("kind")] || COLOURS.Other; },
                                    "width": 22, "height": 22, "color": "#1b2a41", "text-wrap": "ellipsis",
                                    "text-max-width": 120}},
        {selector: "node[kind = 'Case']", style: {"shape": "round-rectangle", "width": 34, "height": 22, "font-weight": "bold"}},
        {selector: "node[kind = 'Phone']", style: {"shape": "diamond"}},
        {selector: "node[kind = 'Passport'], node[kind = 'Identification']", style: {"shape": "rectangle"}},
        {selector: "edge", style: {"width": 1.5, "line-color": "#8795a8", "target-arrow-color": "#8795a8",
                                    "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)",
                                    "font-size": 8, "color": "#4a5568", "text-rotation": "autorotate"}},
        {selector: "edge[kind = 'in_case']", style: {"line-style": "dotted", "target-arrow-shape": "none", "width": 1}}
      ],
      layout: {name: "cose", animate: false, nodeRepulsion: function () { return 400000; }, idealEdgeLength: function () { return 110; }, padding: 40, randomize: false}
    });
    box.setAttribute("data-rendered", String(cy.nodes().length));
    window.enlaceCaseGraph = cy;
  }

  function watchImport() {
    var form = document.getElementById("import-form");
    var out = document.getElementById("import-progress");
    if (!form || !out) { return; }
    var url = out.getAttribute("data-progress-url");
    var timer = null;
    function poll() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          var tmp = document.createElement("div");
          tmp.innerHTML = html;
          out.textContent = tmp.textContent.trim();
        }).catch(function () {});
    }
    form.addEventListener("htmx:beforeRequest", function () { poll(); timer = window.setInterval(poll, 1000); });
    document.body.addEventListener("htmx:afterRequest", function () { if (timer) { window.clearInterval(timer); timer = null; } });
  }

  document.addEventListener("DOMContentLoaded", function () { drawGraph(); watchImport(); });
})();
