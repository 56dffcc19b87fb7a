/* The page paints each chart as SVG drawn on the server. plotly.js (about 330 KB compressed) is loaded only when
   the reader asks for the interactive chart: a click or tap on the chart, or the 「グラフを操作する」 button
   (the keyboard's way in). The table under the chart holds the same values, so the page reads fine without it. */
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
  var loading = null;

  function loadPlotly(src) {
    if (window.Plotly) {
      return Promise.resolve(window.Plotly);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () {
          window.Plotly.register(JAPANESE);
          resolve(window.Plotly);
        };
        script.onerror = function () {
          loading = null;
          reject(new Error("plotly.js did not load"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function render(container, buttons) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || container.hasAttribute("data-loading") || container.hasAttribute("data-rendered")) {
      return;
    }
    container.setAttribute("data-loading", "true");
    loadPlotly(container.getAttribute("data-plotly")).then(
      function (Plotly) {
        var figure = JSON.parse(source.textContent);
        var config = {
          responsive: true,
          displayModeBar: false,
          locale: document.documentElement.lang === "ja" ? "ja" : "en"
        };
        // plotly's drawing replaces the SVG; the sentence it described the chart with stays as the label.
        container.textContent = "";
        container.setAttribute("role", "img");
        container.setAttribute("aria-label", container.getAttribute("data-sentence") || "");
        return Plotly.newPlot(container, figure.data, figure.layout, config).then(function () {
          container.removeAttribute("data-loading");
          container.setAttribute("data-rendered", "true");
          buttons.forEach(function (button) {
            button.hidden = true;
          });
        });
      },
      function () {
        container.removeAttribute("data-loading");
      }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (container) {
      var buttons = Array.prototype.slice.call(
        document.querySelectorAll('[data-interactive-chart="' + container.id + '"]')
      );
      var activate = function () {
        render(container, buttons);
      };
      container.addEventListener("click", activate);
      buttons.forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", activate);
      });
    });
  });
})();
