// Progressive enhancement only: every page works without this file.
// Clocks show the time left (or overdue) and refresh each minute, in the page's language.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "always" }) : null;

  function span(ms) {
    var minutes = Math.round(ms / 60000);
    var abs = Math.abs(minutes);
    if (abs < 90) return [minutes, "minute"];
    if (abs < 36 * 60) return [Math.round(minutes / 60), "hour"];
    return [Math.round(minutes / 1440), "day"];
  }

  function refresh() {
    if (!relative) return;
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var parts = span(due - Date.now());
      var left = el.querySelector(".left");
      if (!left) {
        left = document.createElement("span");
        left.className = "left";
        el.appendChild(document.createTextNode(" · "));
        el.appendChild(left);
      }
      left.textContent = relative.format(parts[0], parts[1]);
    });
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  setInterval(refresh, 60000);
})();
