// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
// With JavaScript the language select submits itself; keep its button for screen readers only.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".lang-switch button").forEach(function (b) { b.classList.add("visually-hidden"); });
});
