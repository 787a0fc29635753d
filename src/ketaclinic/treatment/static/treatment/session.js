// Session page timers: next vital signs (turns red when overdue) and the observation period.
// A static file, no inline script: a Content-Security-Policy comes later.
(function () {
  "use strict";
  var monitor = document.querySelector("[data-server-now]");
  // Count from the server's clock, not the bedside PC's, which may be off.
  var offset = monitor ? Date.parse(monitor.getAttribute("data-server-now")) - Date.now() : 0;
  if (isNaN(offset)) { offset = 0; }

  // A duration in words ("14 min 59 s"), as the server writes it (queries.sessions.due_in_words):
  // "14:59" reads as a clock time at a glance.
  function format(ms) {
    var seconds = Math.floor(Math.abs(ms) / 1000);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return (hours ? hours + " h " : "") + minutes + " min " + rest + " s";
  }

  function tick() {
    var now = Date.now() + offset;
    var boxes = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var out = box.querySelector(".countdown");
      var due = Date.parse(box.getAttribute("data-countdown"));
      if (!out || isNaN(due)) { continue; }
      // The clock time comes from the server, in the site's time zone, not the browser's.
      var clock = box.getAttribute("data-due-clock") || "";
      var left = due - now;
      if (left >= 0) {
        out.textContent = "due in " + format(left) + (clock ? ", at " + clock : "");
        box.classList.remove("overdue");
      } else if (box.hasAttribute("data-done-text")) {
        out.textContent = box.getAttribute("data-done-text");
        box.classList.add("done");
      } else {
        out.textContent = "overdue by " + format(left) + (clock ? ", due at " + clock : "");
        box.classList.add("overdue");
      }
    }
  }

  tick();
  window.setInterval(tick, 1000);

  // The sticky monitor grows and shrinks with what it shows; the page's scroll padding follows
  // it (ketaclinic.css), so a section scrolled to after an action stops below the monitor.
  // Setting a custom property through the CSSOM needs no inline style, so the CSP still holds.
  var running = document.querySelector(".monitor-running");
  function padBelowMonitor() {
    var root = document.documentElement;
    if (!running || window.getComputedStyle(running).position !== "sticky") {
      root.style.removeProperty("--monitor-height");
      return;
    }
    var gap = 16; // px of air between the monitor and the heading it must not cover
    root.style.setProperty(
      "--monitor-height", Math.ceil(running.getBoundingClientRect().height) + gap + "px"
    );
  }
  padBelowMonitor();
  if (running && window.ResizeObserver) {
    new window.ResizeObserver(padBelowMonitor).observe(running);
  }
  window.addEventListener("resize", padBelowMonitor);

  // After a refused step the page comes back with the reason inside the form: bring it into
  // view (on a phone it would otherwise sit below the monitor, out of sight).
  var refusal = document.querySelector("form [role=alert]");
  if (refusal && refusal.scrollIntoView) {
    refusal.scrollIntoView({ block: "center" });
  }
})();
