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

/* Phones (issue 12 item 9). Every table scrolls sideways inside a .table-responsive wrapper
   rather than pushing the page wider than the screen; pages that did not wrap one get it here. */
function rencaiWrapTables(root) {
  root.querySelectorAll("table").forEach(function (table) {
    if (table.closest(".table-responsive")) {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "table-responsive";
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  });
}

/* A tab bar of five or more entries (人才培育's thirteen) becomes a drop-down on a phone: the
   <select> is built from the bar's links and opens the chosen one; the CSS shows one or the other
   by screen width. */
function rencaiNavSelects(root) {
  root.querySelectorAll("ul.nav-tabs, ul.nav-pills").forEach(function (bar) {
    var links = bar.querySelectorAll("a.nav-link[href]");
    if (links.length < 5 || bar.classList.contains("has-nav-select")) {
      return;
    }
    var select = document.createElement("select");
    select.className = "form-select mb-3 nav-select";
    if (bar.id) {
      select.id = bar.id + "-select";
    }
    if (bar.getAttribute("aria-label")) {
      select.setAttribute("aria-label", bar.getAttribute("aria-label"));
    }
    links.forEach(function (link) {
      var option = document.createElement("option");
      option.value = link.href;
      option.textContent = link.textContent.trim();
      option.selected = link.classList.contains("active");
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      window.location.href = select.value;
    });
    bar.classList.add("has-nav-select");
    bar.parentNode.insertBefore(select, bar);
  });
}

function rencaiLayout(root) {
  rencaiWrapTables(root);
  rencaiNavSelects(root);
}

if (window.htmx) {
  window.htmx.onLoad(rencaiLayout);
} else {
  document.addEventListener("DOMContentLoaded", function () { rencaiLayout(document); });
}
