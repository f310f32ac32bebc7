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
          target.innerHTML = res.text;
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
