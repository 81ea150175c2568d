// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
// With JavaScript the language select submits itself; keep its button for screen readers only.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".lang-switch button").forEach(function (b) { b.classList.add("visually-hidden"); });
});

// Menu: the "Menú" button (narrow screens) and the "Más" disclosure (desktop). Both are real buttons
// carrying aria-expanded/aria-controls; Escape closes and returns focus, a click or focus outside closes "Más".
(function () {
  function setup() {
    var nav = document.querySelector(".main-nav");
    if (!nav) { return; }
    var toggle = nav.querySelector(".nav-toggle");
    var more = nav.querySelector(".nav-more-button");
    [toggle, more].forEach(function (b) {
      if (!b) { return; }
      b.hidden = false;
      b.addEventListener("click", function () {
        b.setAttribute("aria-expanded", b.getAttribute("aria-expanded") === "true" ? "false" : "true");
      });
    });
    nav.classList.add("nav-ready");
    function closeMore(focus) {
      if (more && more.getAttribute("aria-expanded") === "true") {
        more.setAttribute("aria-expanded", "false");
        if (focus) { more.focus(); }
      }
    }
    nav.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      if (more && more.getAttribute("aria-expanded") === "true") { closeMore(true); return; }
      if (toggle && toggle.getAttribute("aria-expanded") === "true" && getComputedStyle(toggle).display !== "none") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (more && !more.parentNode.contains(event.target)) { closeMore(false); }
    });
    document.addEventListener("focusin", function (event) {
      if (more && !more.parentNode.contains(event.target)) { closeMore(false); }
    });
  }

  // Tables: each one scrolls inside a box that is a named region reachable with Tab (WCAG 2.1.1), so a
  // wide table never scrolls the page on a phone. Tables added later by htmx get the same.
  var count = 0;
  function labelFor(table) {
    var caption = table.querySelector("caption");
    var node = caption;
    if (!node) {
      // The nearest heading before the table names it.
      var el = table.closest(".table-wrap") || table;
      while (el && el !== document.body && !node) {
        var prev = el.previousElementSibling;
        while (prev && !node) {
          if (/^H[1-6]$/.test(prev.tagName)) { node = prev; }
          else if (prev.querySelector) {
            var hs = prev.querySelectorAll("h1, h2, h3, h4, h5, h6");
            if (hs.length) { node = hs[hs.length - 1]; }
          }
          prev = prev.previousElementSibling;
        }
        el = el.parentElement;
      }
    }
    if (node && node.textContent.trim()) {
      if (!node.id) { count += 1; node.id = "table-label-" + count; }
      return {by: node.id};
    }
    return {text: table.getAttribute("aria-label") || document.body.getAttribute("data-table-label") || "Tabla"};
  }
  function wrapTables(root) {
    if (!root || !root.querySelectorAll) { return; }
    var tables = root.tagName === "TABLE" ? [root] : root.querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.parentElement.closest("table")) { return; }  // a nested table scrolls with its parent
      var wrap = table.parentElement;
      if (!wrap.classList.contains("table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      if (wrap.hasAttribute("data-region")) { return; }
      wrap.setAttribute("data-region", "");
      if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); }
      if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
      if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        var name = labelFor(table);
        if (name.by) { wrap.setAttribute("aria-labelledby", name.by); } else { wrap.setAttribute("aria-label", name.text); }
      }
    });
  }

  function ready() { setup(); wrapTables(document); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:load", function (event) { wrapTables(event.detail && event.detail.elt); });
})();
