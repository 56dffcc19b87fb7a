// The progress page of a background job: asks the job's status (JSON) every second and moves the bar; when the
// job is over, the page is loaded again and shows the result. Without JavaScript the page refreshes itself
// (<noscript><meta http-equiv="refresh">), to the same end.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var bar = document.getElementById("job-bar");
  function set(id, value) {
    document.getElementById(id).textContent = value;
  }

  function show(status) {
    bar.max = status.total || 1;
    bar.value = status.done;
    bar.textContent = status.percent + "%";
    set("job-state-label", status.state_label);
    set("job-done", status.done);
    set("job-total", status.total);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.over) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 500);
})();
