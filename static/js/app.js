/* Progressive enhancement only: every page works without this file.
   A long <select data-search> becomes a combobox (Tom Select, vendored in static/vendor/): typing narrows its
   options, and the value changes only when an option is picked (Enter or click), never while typing. The <select>
   stays the form field. A long checklist gets a text box above it that hides the boxes that do not match. */
(function () {
  "use strict";
  // "etats" finds "États-Unis": compare without accents or case.
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function message(text, className) {
    var div = document.createElement("div");
    div.className = className;
    div.textContent = text;
    return div;
  }

  // Shown inside the listbox when nothing matches. A listbox holds only options, so the message is an option that
  // cannot be picked (disabled, and without the data-selectable of Tom Select's options): a screen reader reads it.
  function noResults(text) {
    var div = message(text, "no-results");
    div.setAttribute("role", "option");
    div.setAttribute("aria-disabled", "true");
    return div;
  }

  function enhance(select) {
    var noMatch = document.body.getAttribute("data-no-match") || "";
    var combo = new window.TomSelect(select, {
      allowEmptyOption: true,  // the blank choice ("—", "All") stays pickable, so a value can be cleared
      maxOptions: null,  // every option is reachable by scrolling, not only the first 50
      selectOnTab: false,  // leaving the field never picks the highlighted option
      refreshThrottle: 0,  // narrow on every key: Enter right after typing picks from the whole text, not a stale list
      create: false,
      render: { no_results: function () { return noResults(noMatch); } },
      // Text typed and not picked is dropped when the field is left: the box shows the value the form will send.
      onBlur: function () { this.setTextboxValue(""); }
    });
    // The help and the error message of the field describe the combobox as they described the select.
    ["aria-describedby", "aria-invalid", "aria-required"].forEach(function (name) {
      if (select.hasAttribute(name)) { combo.control_input.setAttribute(name, select.getAttribute(name)); }
    });
    // The select, kept out of sight as the form field, would be a second, unlabelled control for a screen reader.
    select.setAttribute("aria-hidden", "true");
  }

  function enhanceList(list) {
    var legend = list.parentNode.querySelector("legend");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.setAttribute("autocomplete", "off");
    var hint = document.body.getAttribute("data-filter-hint") || "";
    box.placeholder = hint + "…";
    box.setAttribute("aria-label", (legend ? legend.textContent.trim() + " : " : "") + hint);
    list.parentNode.insertBefore(box, list);
    box.addEventListener("input", function () {
      var needle = fold(box.value.trim());
      Array.prototype.forEach.call(list.children, function (item) {
        var checked = item.querySelector("input:checked");
        item.hidden = !!needle && !checked && fold(item.textContent).indexOf(needle) === -1;
      });
    });
  }

  // A link of the error summary to a select that became a combobox moves the focus to the combobox.
  function focusCombobox(event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (target && target.tomselect) {
      event.preventDefault();
      target.tomselect.wrapper.scrollIntoView({ block: "center" });
      target.tomselect.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("ul.checklist[data-search]"), enhanceList);
    if (window.TomSelect) {
      Array.prototype.forEach.call(document.querySelectorAll("select[data-search]:not([multiple])"), function (s) {
        if (s.options.length > 12) { enhance(s); }
      });
    }
    document.addEventListener("click", focusCombobox);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
