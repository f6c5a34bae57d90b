/* Progressive enhancement only: every page works without this file.
   A long <select data-search> gets a text box above it that narrows its options as you type. */
(function () {
  "use strict";
  function enhance(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.id = select.id + "-filter";
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("autocomplete", "off");
    var hint = (document.documentElement.lang === "fr") ? "Filtrer la liste" : "Filter the list";
    box.placeholder = hint + "…";
    box.setAttribute("aria-label", (label ? label.textContent.trim() + " : " : "") + hint);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (opt) {
        var keep = !needle || opt.selected || opt.value === "" || opt.text.toLowerCase().indexOf(needle) !== -1;
        opt.hidden = !keep;
        if (keep && needle && !first && opt.value !== "") { first = opt; }
      });
      if (first && !select.multiple) { select.value = first.value; select.dispatchEvent(new Event("change")); }
    });
  }
  function enhanceList(list) {
    var legend = list.parentNode.querySelector("legend");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.setAttribute("autocomplete", "off");
    var hint = (document.documentElement.lang === "fr") ? "Filtrer la liste" : "Filter the list";
    box.placeholder = hint + "…";
    box.setAttribute("aria-label", (legend ? legend.textContent.trim() + " : " : "") + hint);
    list.parentNode.insertBefore(box, list);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(list.children, function (item) {
        var checked = item.querySelector("input:checked");
        item.hidden = !!needle && !checked && item.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("ul.checklist[data-search]"), enhanceList);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-search]"), function (s) {
      if (s.options.length > 12) { enhance(s); }
    });
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
