/* 测一测 employee pages: autosave, countdown, study heartbeat, unit filter.
   ES5 only (old Android WebViews, WeChat); every feature is an enhancement of a working form. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute("content") : "";

  function each(list, fn) { for (var i = 0; i < list.length; i++) { fn(list[i], i); } }

  function post(url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken);
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(xhr.status, data);
    };
    xhr.send(JSON.stringify(body));
  }

  /* ---- choices: highlight where :has() is missing ---- */
  function refreshChoices(scope) {
    each(scope.querySelectorAll(".choice"), function (label) {
      var input = label.querySelector("input");
      if (!input) { return; }
      if (input.checked) { label.className = label.className.replace(/\s*is-checked/g, "") + " is-checked"; }
      else { label.className = label.className.replace(/\s*is-checked/g, ""); }
    });
  }

  /* ---- autosave ---- */
  var pending = {};
  var pendingCount = 0;

  function collect(box) {
    var values = [];
    each(box.querySelectorAll("input[name^='r']"), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value.replace(/\s/g, "") !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function setAnswered(count) {
    each(document.querySelectorAll("[data-answered]"), function (el) { el.textContent = String(count); });
    each(document.querySelectorAll("[data-progress]"), function (el) { el.value = count; });
  }

  function save(box, retry) {
    var url = box.getAttribute("data-save-url");
    var status = box.querySelector("[data-save-status]");
    var key = box.getAttribute("data-position");
    if (!pending[key]) { pendingCount += 1; }
    pending[key] = true;
    if (status) { status.className = "save-status"; status.textContent = "正在保存…"; }
    post(url, { response: collect(box) }, function (code, data) {
      if (pending[key]) { pendingCount -= 1; }
      delete pending[key];
      if (code === 200 && data && data.saved) {
        if (status) { status.textContent = "✓ 已自动保存 " + data.saved_at; }
        if (typeof data.answered === "number") { setAnswered(data.answered); }
      } else if (code === 409 && data && data.submitted) {
        window.location.reload();
      } else if (status) {
        status.className = "save-status is-error";
        status.textContent = (data && data.error) ? data.error : "网络不稳定，答案暂未保存，点“下一题”时会再次保存。";
        if (!retry && code === 0) { setTimeout(function () { save(box, true); }, 3000); }
      }
    });
  }

  each(document.querySelectorAll("[data-autosave]"), function (box) {
    var timer = null;
    box.addEventListener("change", function (event) {
      refreshChoices(box);
      if (event.target && event.target.type === "text") { clearTimeout(timer); }
      save(box, false);
    });
    box.addEventListener("input", function (event) {
      if (!event.target || event.target.type !== "text") { return; }
      clearTimeout(timer);
      timer = setTimeout(function () { save(box, false); }, 900);
    });
  });

  /* ---- countdown: the server decides, the page only shows and submits on time ---- */
  each(document.querySelectorAll("[data-seconds-left]"), function (clock) {
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    var end = new Date().getTime() + left * 1000;
    var value = clock.querySelector(".timer-value");
    var fired = false;
    function pad(n) { return n < 10 ? "0" + n : String(n); }
    function tick() {
      var seconds = Math.max(0, Math.round((end - new Date().getTime()) / 1000));
      if (value) { value.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60); }
      if (seconds < 120 && clock.className.indexOf("timer-low") < 0) { clock.className += " timer-low"; }
      if (seconds <= 0 && !fired) {
        fired = true;
        var form = document.getElementById("timeup-form");
        var waited = 0;
        (function submitWhenSaved() {
          if (pendingCount > 0 && waited < 5000) { waited += 250; setTimeout(submitWhenSaved, 250); return; }
          if (form) { form.submit(); }
        })();
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  });

  /* ---- no double submit ---- */
  each(document.querySelectorAll("[data-submit-once]"), function (form) {
    form.addEventListener("submit", function () {
      each(form.querySelectorAll("button"), function (b) { b.disabled = true; b.textContent = "正在交卷…"; });
    });
  });

  /* ---- study time heartbeat (only while the page is visible) ---- */
  var study = document.querySelector("[data-study]");
  if (study) {
    var beatUrl = study.getAttribute("data-beat-url");
    var done = document.querySelectorAll("[data-study-done]");
    var bar = document.querySelector("[data-study-bar]");
    var leftNote = document.querySelector("[data-study-left]");
    var beat = function () {
      if (document.hidden) { return; }
      post(beatUrl, {}, function (code, data) {
        if (code !== 200 || !data) { return; }
        var s = data.seconds;
        var text = Math.floor(s / 60) + " 分 " + (s % 60 < 10 ? "0" : "") + (s % 60) + " 秒";
        each(done, function (el) { el.textContent = text; });
        if (bar) { bar.value = Math.min(s, bar.max); }
        if (leftNote) {
          if (data.required_left > 0) { leftNote.textContent = "还需学习约 " + Math.ceil(data.required_left / 60) + " 分钟才能开始答题。"; }
          else { leftNote.textContent = "学习时间已达到要求，可以开始答题了。"; }
        }
      });
    };
    setInterval(beat, 30000);
  }

  /* ---- unit picker: filter as you type ---- */
  var filter = document.querySelector("[data-unit-filter]");
  var list = document.querySelector("[data-unit-list]");
  if (filter && list) {
    var empty = list.querySelector("[data-unit-empty]");
    var apply = function () {
      var q = filter.value.replace(/\s/g, "");
      var shown = 0;
      each(list.querySelectorAll(".unit-group"), function (group) {
        var visible = 0;
        each(group.querySelectorAll("[data-unit-name]"), function (label) {
          var match = q === "" || label.getAttribute("data-unit-name").indexOf(q) >= 0;
          label.hidden = !match;
          if (match) { visible += 1; }
        });
        group.hidden = !visible;
        if (q !== "" && visible) { group.open = true; }
        shown += visible;
      });
      if (empty) { empty.hidden = shown > 0; }
    };
    filter.addEventListener("input", apply);
    list.addEventListener("change", function () { refreshChoices(list); });
  }
})();
