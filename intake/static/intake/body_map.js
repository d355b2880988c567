// Tapping an area of the body outline ticks the matching checkbox (and the reverse).
// Without JavaScript the outline stays hidden and the checkboxes do the same job.
(function () {
  "use strict";
  document.querySelectorAll("[data-body-map]").forEach(function (map) {
    var form = map.closest("form");
    if (!form) { return; }
    function box(area) {
      return form.querySelector('input[name="pain_areas"][value="' + area + '"]');
    }
    function paint() {
      map.querySelectorAll(".body-region").forEach(function (region) {
        var input = box(region.dataset.area);
        region.classList.toggle("selected", Boolean(input && input.checked));
      });
    }
    map.querySelectorAll(".body-region").forEach(function (region) {
      region.addEventListener("click", function () {
        var input = box(region.dataset.area);
        if (input) {
          input.checked = !input.checked;
          paint();
        }
      });
    });
    form.querySelectorAll('input[name="pain_areas"]').forEach(function (input) {
      input.addEventListener("change", paint);
    });
    map.classList.remove("d-none");
    paint();
  });
})();
