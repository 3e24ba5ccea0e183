/* The platform's own behaviour, kept out of the pages so the Content-Security-Policy can forbid
   every inline script (rencai/edge.py): a stored payload that slipped into a page cannot run. */
"use strict";

/* <form data-confirm="确认删除？">: ask before submitting. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

/* <div class="progress-bar" data-percent="40">: the width, set through the DOM (inline style
   attributes are refused by the policy); also for progress bars htmx swaps in. */
function rencaiProgress(root) {
  root.querySelectorAll("[data-percent]").forEach(function (bar) {
    var percent = Number(bar.getAttribute("data-percent"));
    if (isFinite(percent)) {
      bar.style.width = Math.max(0, Math.min(100, percent)) + "%";
    }
  });
}

if (window.htmx) {
  window.htmx.onLoad(rencaiProgress);
} else {
  document.addEventListener("DOMContentLoaded", function () { rencaiProgress(document); });
}
