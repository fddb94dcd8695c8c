// Draws the evaluation chart with ECharts (served locally) from the JSON the page embeds: the month's
// scores as bars coloured by zone, or a department's scores month by month, with the zone thresholds.
// Without JavaScript or ECharts the table below shows the same numbers.
(function () {
  "use strict";
  var COLOURS = { green: "#1e7b34", yellow: "#b98900", red: "#b3261e" };

  function draw() {
    var source = document.getElementById("evaluation-data");
    var el = document.getElementById("evaluation-chart");
    if (!source || !el || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) return;
    el.hidden = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var bar = data.kind === "bar";
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 24, bottom: bar ? 96 : 40 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: bar ? 40 : 0 } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{
        type: data.kind,
        name: data.series,
        barMaxWidth: 36,
        data: data.values.map(function (value, i) {
          return { value: value, itemStyle: { color: COLOURS[data.zones[i]] || "#5f6b76" } };
        }),
        lineStyle: { color: "#5f6b76" },
        markLine: {
          silent: true, symbol: "none",
          data: [
            { yAxis: data.green, lineStyle: { color: COLOURS.green, type: "dashed" }, label: { formatter: "{c}" } },
            { yAxis: data.red, lineStyle: { color: COLOURS.red, type: "dashed" }, label: { formatter: "{c}" } }
          ]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
