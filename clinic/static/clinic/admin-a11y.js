"use strict";
// Names for the admin markup Django's own scripts build, which clinic/adminhelpers.py
// cannot reach on the server:
// - select2 (autocomplete fields) draws a combobox of spans that no <label> names: it is
//   named by the field's label (or the row's input name, in a table), plus its value.
// - the filter_horizontal boxes' search icon is a <span> with aria-label and no role,
//   which ARIA does not allow: it is an image of a hint, so role="img".
// Both are built after the page loads (and again when an inline row is added), so a
// MutationObserver applies the names whenever they appear.
(function () {
  function labelFor(select) {
    if (!select.id) {
      return null;
    }
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function nameSelect2(combobox) {
    const container = combobox.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") {
      return;
    }
    const label = labelFor(select);
    const rendered = combobox.querySelector(".select2-selection__rendered");
    const search = container.querySelector(".select2-search__field");
    if (label) {
      const ids = label.id + (rendered && rendered.id ? " " + rendered.id : "");
      combobox.setAttribute("aria-labelledby", ids);
      if (rendered) {
        rendered.setAttribute("aria-labelledby", ids);
      }
      if (search) {
        search.setAttribute("aria-labelledby", label.id);
      }
    } else if (select.getAttribute("aria-label")) {
      const name = select.getAttribute("aria-label");
      combobox.setAttribute("aria-label", name);
      if (rendered) {
        rendered.setAttribute("aria-label", name);
      }
      if (search) {
        search.setAttribute("aria-label", name);
      }
    }
  }

  function fix(root) {
    root.querySelectorAll(".select2-selection").forEach(nameSelect2);
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            fix(node.parentElement || node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
