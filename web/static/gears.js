// Gears' pages work without JavaScript; this file only makes them quicker
// to use. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Selects marked data-autosubmit submit their form when changed.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // Selects marked data-fill="ID" put their value (a saved reply) into
  // the text area ID. The value is set as text, never as markup.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches("select[data-fill]") || !el.value) return;
    var target = document.getElementById(el.getAttribute("data-fill"));
    if (target) { target.value = el.value; target.focus(); }
  });

  // Read-only fields with data-select select their text on focus (links, tokens).
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("input[data-select]")) e.target.select();
  });

  // Forms marked data-live re-render their results as the person types:
  // the form's GET URL is fetched with fragment=1 and the target replaced.
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    var target = document.getElementById(form.getAttribute("data-live"));
    if (!target) return;
    var timer, seq = 0;
    function update() {
      var params = new URLSearchParams(new FormData(form));
      params.set("fragment", "1");
      var mine = ++seq;
      fetch(form.action + "?" + params.toString(), { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
        .then(function (res) {
          if (mine !== seq) return;
          // Fields marked data-keep (a plan's name being typed) keep
          // what the person typed across the update.
          var kept = {};
          target.querySelectorAll("[data-keep][id]").forEach(function (el) { kept[el.id] = el.value; });
          target.innerHTML = res.text;
          Object.keys(kept).forEach(function (id) {
            var el = document.getElementById(id);
            if (el) el.value = kept[id];
          });
          target.setAttribute("aria-busy", "false");
        });
    }
    form.addEventListener("input", function () {
      target.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
  });
})();

// The calendar: drag a post to another day to reschedule it (same time of
// day). Without JavaScript, the post's page has the date and time fields.
(function () {
  "use strict";
  document.querySelectorAll("[data-calendar]").forEach(function (cal) {
    var base = cal.getAttribute("data-reschedule"), csrf = cal.getAttribute("data-csrf");
    var dragged = null;
    cal.addEventListener("dragstart", function (e) {
      var chip = e.target.closest && e.target.closest("[data-post]");
      if (!chip) return;
      dragged = chip;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", chip.getAttribute("data-post"));
    });
    cal.addEventListener("dragover", function (e) {
      var day = e.target.closest && e.target.closest("[data-date]");
      if (day && dragged) { e.preventDefault(); day.classList.add("drop"); }
    });
    cal.addEventListener("dragleave", function (e) {
      var day = e.target.closest && e.target.closest("[data-date]");
      if (day) day.classList.remove("drop");
    });
    cal.addEventListener("drop", function (e) {
      var day = e.target.closest && e.target.closest("[data-date]");
      if (!day || !dragged) return;
      e.preventDefault();
      day.classList.remove("drop");
      var body = new URLSearchParams();
      body.set("csrf", csrf);
      body.set("date", day.getAttribute("data-date"));
      body.set("time", dragged.getAttribute("data-time"));
      var chip = dragged;
      dragged = null;
      fetch(base + chip.getAttribute("data-post") + "/reschedule", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "fetch" },
        body: body.toString()
      }).then(function (r) {
        if (r.ok) { day.appendChild(chip); chip.classList.add("moved"); }
        else { window.location.reload(); }
      });
    });
  });
})();
