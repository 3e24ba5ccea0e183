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

/* <select data-unit-picker> (rencai/orgs/fields.py): a type-ahead box above the unit list; what
   is typed hides the units whose name does not contain it and picks the first that does, so a
   clerk can type 东关 and go on. */
function rencaiUnitPickers(root) {
  root.querySelectorAll("select[data-unit-picker]").forEach(function (select) {
    if (select.previousElementSibling && select.previousElementSibling.classList.contains("unit-filter")) {
      return;
    }
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 unit-filter";
    box.placeholder = select.getAttribute("data-filter-placeholder") || "";
    box.setAttribute("aria-label", box.placeholder);
    box.addEventListener("input", function () {
      var typed = box.value.trim();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = typed !== "" && option.value !== "" && option.textContent.indexOf(typed) < 0;
        if (typed !== "" && option.value !== "" && !option.hidden && first === null) {
          first = option;
        }
      });
      if (first !== null && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden ||
          select.value === "")) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    select.parentNode.insertBefore(box, select);
  });
}

if (window.htmx) {
  window.htmx.onLoad(rencaiUnitPickers);
} else {
  document.addEventListener("DOMContentLoaded", function () { rencaiUnitPickers(document); });
}

// On a phone the filters of a list fold under 筛选条件 until the user opens them, so the rows
// come first; a list opened with filters in its address shows them.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 767.98px)").matches || window.location.search !== "") {
    return;
  }
  Array.prototype.forEach.call(document.querySelectorAll("details.filter-fold"), function (fold) {
    fold.open = false;
  });
});
