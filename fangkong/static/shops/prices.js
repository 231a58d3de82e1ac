/* Draws a merchant's price history (one line per item and unit) with Apache ECharts from the rows the page
   holds in the json_script element "price-data". Without ECharts the table below stays the only view. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var el = document.getElementById("price-chart");
  var dataEl = document.getElementById("price-data");
  if (!el || !dataEl) { return; }
  var series = JSON.parse(dataEl.textContent);
  if (!series.length) { return; }
  var days = {};
  series.forEach(function (s) { s.points.forEach(function (p) { days[p.day] = true; }); });
  var axis = Object.keys(days).sort();
  el.hidden = false;
  var chart = window.echarts.init(el);
  chart.setOption({
    animation: false, tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: "category", data: axis.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", scale: true },
    series: series.map(function (s) {
      var at = {};
      s.points.forEach(function (p) { at[p.day] = Number(p.price); });
      return { name: s.name, type: "line", connectNulls: true,
               data: axis.map(function (d) { return d in at ? at[d] : null; }) };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
