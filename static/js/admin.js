// Admin console enhancements. Every page works without this file; it only adds live progress,
// copy-to-clipboard, a print button, the chosen file's name beside file pickers, and phone-width
// card labels on tables whose template did not write them.
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

    document.querySelectorAll("[data-file-input]").forEach(function (input) {
      var pick = input.closest(".file-pick");
      var name = pick && pick.querySelector("[data-file-name]");
      if (!name) { return; }
      function show() {
        var file = input.files && input.files[0];
        name.textContent = file ? file.name : "未选择文件";
        pick.classList.toggle("has-file", !!file);
      }
      input.addEventListener("change", show);
      show();  // a file kept by the browser after going back
    });

    // Tables in the console read as cards on a phone; each cell is labelled with its column's heading.
    document.querySelectorAll("main table.table").forEach(function (table) {
      var hidden = [];  // columns whose heading is for screen readers only: buttons, no label needed
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th, i) {
        var sr = th.querySelector(".sr-only");
        hidden[i] = !!sr && sr.textContent.trim() === th.textContent.trim();
        return th.textContent.trim();
      });
      // Left alone: tables already laid out as cards, tables whose template wrote its own labels (and so
      // its own phone layout), and data-cards="off" (a grid that scrolls inside its .table-wrap).
      if (!heads.length || table.classList.contains("table-cards") || table.querySelector("[data-label]") ||
          table.dataset.cards === "off") { return; }
      table.classList.add("table-cards");
      // A list of people (the non-participants) is read by name: the name heads each card.
      var title = table.querySelector("tbody th[scope=row]") ? -1 : heads.indexOf("姓名");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (i === title) {
            cell.classList.add("card-title");
          } else if (hidden[i]) {
            cell.classList.add("card-actions");
          } else if (cell.tagName === "TD" && heads[i] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", heads[i]);
          }
        });
      });
    });
  });
})();
