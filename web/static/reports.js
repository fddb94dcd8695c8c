// Draws each report section's chart with ECharts (served locally) from the JSON the page embeds.
// Progressive enhancement: without JavaScript, or without ECharts, the tables show the same numbers.
(function () {
  "use strict";
  var PALETTE = ["#b3261e", "#0b57d0", "#1e7b34", "#8a5a00", "#6a3fb5", "#00796b", "#c2185b", "#5f6b76", "#ef6c00", "#3949ab"];

  function option(section, seriesName) {
    if (section.chart === "pie") {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { type: "scroll", bottom: 0 },
        series: [{
          type: "pie", name: seriesName, radius: ["35%", "62%"], center: ["50%", "45%"],
          data: section.labels.map(function (label, i) { return { name: label, value: section.values[i] }; })
        }]
      };
    }
    var line = section.chart === "line";
    // A periodic report's table may chart several of its columns, each a series with its column's name.
    var many = section.series && section.series.length > 1;
    var series = many
      ? section.series.map(function (s) {
          return { type: section.chart, name: s.name, data: s.values, barMaxWidth: 32, showSymbol: line, connectNulls: false };
        })
      : [{ type: section.chart, name: section.series ? section.series[0].name : seriesName, data: section.values, barMaxWidth: 48, showSymbol: false, areaStyle: line ? { opacity: 0.15 } : undefined }];
    return {
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: many ? { top: 0 } : undefined,
      grid: { left: 48, right: 16, top: many ? 36 : 24, bottom: line ? 40 : 72 },
      xAxis: { type: "category", data: section.labels, axisLabel: { interval: line ? "auto" : 0, rotate: line ? 0 : 30 } },
      yAxis: { type: "value", minInterval: many ? 0 : 1 },
      series: series
    };
  }

  function draw() {
    var source = document.getElementById("report-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    data.sections.forEach(function (section) {
      var el = document.getElementById("chart-" + section.key);
      if (!el) return;
      el.hidden = false;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(section, data.series));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
