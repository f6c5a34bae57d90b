// The job page follows its job: polls the JSON status, moves the bar, and shows the final page (with the
// file's link) as soon as the job has ended. Without script, the page refreshes itself (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  // Every 0.2 s for the first 20 s (a short job's link appears at once; benchmarks/jobs.py polls the same
  // way), then every 2 s.
  var started = Date.now();

  function show(status) {
    var state = box.querySelector('[data-job="state"]');
    var units = box.querySelector('[data-job="units"]');
    var bar = box.querySelector('[data-job="bar"]');
    if (state) state.textContent = status.state_label;
    if (units) units.textContent = status.done + " / " + (status.total || "?");
    if (bar) {
      bar.max = status.total || 1;
      bar.value = status.done;
      bar.textContent = status.percent + " %";
    }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (status) {
        if (status.state !== "queued" && status.state !== "running") {
          window.location.reload();  // the server's page of an ended job: the link, the message
          return;
        }
        show(status);
        window.setTimeout(poll, Date.now() - started < 20000 ? 200 : 2000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 200);
})();
