// Admin console enhancements. Every page works without this file; it only adds live progress,
// copy-to-clipboard and a print button.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  function widthClass(percent) {
    return "w-" + Math.max(0, Math.min(100, Math.floor(percent / 5) * 5));
  }

  function pollJob(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("[data-progress-bar]");
    var stage = box.querySelector("[data-stage]");
    var percent = box.querySelector("[data-percent]");
    var meter = box.querySelector("[role=progressbar]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.status === "done" || state.status === "failed") {
            window.location.reload();
            return;
          }
          if (bar) { bar.className = widthClass(state.percent); }
          if (stage) { stage.textContent = state.stage || "处理中"; }
          if (percent) { percent.textContent = state.percent; }
          if (meter) { meter.setAttribute("aria-valuenow", state.percent); }
          window.setTimeout(tick, 800);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var job = document.getElementById("job");
    if (job && /^(pending|running)$/.test(job.getAttribute("data-status"))) { pollJob(job); }

    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("data-copy"));
        input.select();
        var done = function () { button.textContent = "已复制"; };
        if (navigator.clipboard) {
          navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
        } else { document.execCommand("copy"); done(); }
      });
    });

    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
