/* Draws each [data-figure] chart with plotly.js (loaded with defer before this file).
   The page reads fine without it: the table under the chart holds the same values. */
(function () {
  "use strict";

  var JAPANESE = {
    moduleType: "locale",
    name: "ja",
    dictionary: {
      "Download plot as a png": "PNG画像としてダウンロード",
      "Click to enter Y axis title": "",
      "Double-click to zoom back out": "ダブルクリックで元に戻す"
    },
    format: { decimal: ".", thousands: "," }
  };

  function render(container) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var language = document.documentElement.lang;
    var config = {
      responsive: true,
      displayModeBar: false,
      locale: language === "ja" ? "ja" : "en"
    };
    window.Plotly.newPlot(container, figure.data, figure.layout, config).then(function () {
      container.setAttribute("data-rendered", "true");
    });
    var button = document.querySelector('[data-download-chart="' + container.id + '"]');
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.Plotly.downloadImage(container, {
          format: "png",
          width: 1000,
          height: 500,
          filename: container.getAttribute("data-filename") || "chart"
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.Plotly) {
      window.Plotly.register(JAPANESE);
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), render);
  });
})();
