// Accessible form widgets (progressive enhancement: every form works without this file).
//  - select[data-searchable]: a searchable, keyboard-operable chooser (vendored Tom Select, loaded only
//    on pages that have one): type to filter, arrows + Enter to choose, Backspace to remove.
//  - [data-confirm] on a form or a submit button: a native <dialog> asks before an irreversible action.
//  - every POST form sends once: a second click while the first is on its way does nothing (the server
//    refuses duplicates too).
// Loaded with <script src> only: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var me = document.currentScript;
  var cfg = me ? me.dataset : {};

  // --- searchable selects -----------------------------------------------------------------------------
  function loadTomSelect(done) {
    if (window.TomSelect) { done(); return; }
    if (!cfg.tomSelect) { return; }
    if (cfg.tomSelectCss && !document.querySelector("link[data-tom-select]")) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = cfg.tomSelectCss;
      link.setAttribute("data-tom-select", "1");
      document.head.appendChild(link);
    }
    var s = document.createElement("script");
    s.src = cfg.tomSelect;
    s.onload = done;
    document.head.appendChild(s);
  }

  function enhanceSelect(el) {
    if (el.tomselect || el.dataset.enhanced) { return; }
    el.dataset.enhanced = "1";
    var multiple = el.multiple;
    var noResults = el.dataset.noResults || cfg.noResults || "";
    var plugins = {};
    if (multiple) {
      plugins.remove_button = { title: el.dataset.removeLabel || cfg.removeLabel || "", label: "\u00d7" };
    }
    var ts = new window.TomSelect(el, {
      plugins: plugins,
      maxOptions: null,
      placeholder: el.dataset.placeholder || cfg.placeholder || "",
      hidePlaceholder: false,
      closeAfterSelect: !multiple,
      clearAfterSelect: true,  // the search text goes once a choice is made: type the next one right away
      allowEmptyOption: !multiple,
      selectOnTab: false,
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        }
      }
    });
    // Tom Select points the label at its search box; the hidden original keeps its name too.
    var label = document.getElementById(el.id + "-ts-label");
    if (label) { el.setAttribute("aria-labelledby", label.id); }
    // The search box carries the field's help text, like the original select did.
    var described = el.getAttribute("aria-describedby");
    if (described && ts.control_input) { ts.control_input.setAttribute("aria-describedby", described); }
  }

  function initSearchable(root) {
    var els = (root || document).querySelectorAll("select[data-searchable]");
    if (!els.length) { return; }
    loadTomSelect(function () { els.forEach(enhanceSelect); });
  }

  // --- confirmation of irreversible actions -----------------------------------------------------------
  var dialog = null;
  function confirmDialog(message, okLabel, onOk) {
    if (!window.HTMLDialogElement) { if (window.confirm(message)) { onOk(); } return; }
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "confirm-dialog";
      dialog.id = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
      var p = document.createElement("p");
      p.id = "confirm-dialog-text";
      var row = document.createElement("div");
      row.className = "confirm-actions";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button secondary";
      cancel.id = "confirm-cancel";
      cancel.textContent = cfg.cancelLabel || "Cancelar";
      var ok = document.createElement("button");
      ok.type = "button";
      ok.className = "button danger";
      ok.id = "confirm-ok";
      row.appendChild(cancel);
      row.appendChild(ok);
      dialog.appendChild(p);
      dialog.appendChild(row);
      document.body.appendChild(dialog);
      cancel.addEventListener("click", function () { dialog.close(); });
    }
    dialog.querySelector("#confirm-dialog-text").textContent = message;
    var okButton = dialog.querySelector("#confirm-ok");
    okButton.textContent = okLabel || cfg.confirmLabel || "OK";
    var fresh = okButton.cloneNode(true);
    okButton.replaceWith(fresh);
    fresh.addEventListener("click", function () { dialog.close(); onOk(); });
    dialog.showModal();
    // The safe choice has the focus: Enter or Escape does not revoke anything by accident.
    dialog.querySelector("#confirm-cancel").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : (form.hasAttribute("data-confirm") ? form : null);
    if (source && form.dataset.confirmed !== "1") {
      event.preventDefault();
      event.stopImmediatePropagation();
      var label = source.getAttribute("data-confirm-ok") || (submitter ? submitter.textContent.trim() : "");
      confirmDialog(source.getAttribute("data-confirm"), label, function () {
        form.dataset.confirmed = "1";
        if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
        form.dataset.confirmed = "";
      });
      return;
    }
    sendOnce(event, form);
  }, true);

  // --- a sending button sends once ---------------------------------------------------------------------
  function sendOnce(event, form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    // htmx forms manage their own requests (hx-disabled-elt); downloads keep the page: leave them alone.
    if (form.hasAttribute("hx-post") || form.hasAttribute("data-no-once") || form.target === "_blank") { return; }
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    window.setTimeout(function () {
      // Another script stopped this submission (e.g. its own validation): nothing was sent.
      if (event.defaultPrevented) { form.dataset.sending = ""; return; }
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
      // A download or a slow answer that never leaves the page: let the official try again later.
      window.setTimeout(function () { release(form); }, 15000);
    }, 0);
  }

  function release(form) {
    form.dataset.sending = "";
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.disabled = false;
    });
  }

  // Back to a page kept by the browser (back button): its buttons work again.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { document.querySelectorAll("form[data-sending='1']").forEach(release); }
  });

  document.addEventListener("DOMContentLoaded", function () { initSearchable(document); });
  // Fragments swapped in by htmx may bring selects of their own.
  document.addEventListener("htmx:afterSwap", function (e) { initSearchable(e.target); });
})();
