// Keyboard triage on the PM inbox: j/k move between ideas, Enter opens, x selects,
// s focuses the status, a and t select the idea and go to the bulk assign / theme fields.
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll(".triage-row")); }
  function current() { return document.activeElement && document.activeElement.closest(".triage-row"); }
  function typing(target) {
    return target && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  }
  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(current());
    const next = all[Math.max(0, Math.min(all.length - 1, index + step))] || all[0];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }
  function bulk(action, fieldId) {
    const row = current();
    if (!row) return;
    const box = row.querySelector(".row-select");
    if (box) box.checked = true;
    document.getElementById("bulk-action").value = action;
    document.getElementById(fieldId).focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") { const row = event.target.closest(".triage-row"); if (row) row.focus(); }
      return;
    }
    const row = current();
    switch (event.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "Enter": if (row && event.target === row) { window.location = row.dataset.openUrl; } else { return; } break;
      case "x": if (row) { const box = row.querySelector(".row-select"); box.checked = !box.checked; } else { return; } break;
      case "s": if (row) { row.querySelector(".row-status").focus(); } else { return; } break;
      case "a": bulk("assign", "bulk-assignee"); break;
      case "t": bulk("tag", "bulk-theme"); break;
      default: return;
    }
    event.preventDefault();
  });
})();
