// The new-batch form's counts, kept up to date while the clerk types: the form is posted
// (same origin, with its CSRF token) to /console/batches/counts and the table replaced by
// the one sent back. Numbers only: nothing is drawn. The form works without this script:
// its count button (计算各层数量) gives the same table on a whole page.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var serial = 0;
  var running = null;
  function update() {
    var mine = ++serial;
    // A newer count replaces the one still running: the server stops it.
    if (running && window.AbortController) {
      running.abort();
    }
    running = window.AbortController ? new AbortController() : null;
    var body = new URLSearchParams(new FormData(form));
    fetch("/console/batches/counts", {
      method: "POST",
      credentials: "same-origin",
      signal: running ? running.signal : undefined,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var old = document.getElementById("counts");
        if (html === null || mine !== serial || !old) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("counts");
        if (fresh) {
          old.replaceWith(document.importNode(fresh, true));
        }
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 600);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
