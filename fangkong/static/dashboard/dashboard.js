/* Draws the dashboard's charts with Apache ECharts (served by the app) from the numbers the page holds in
   a json_script element. Without ECharts nothing happens: the tables below each chart stay open. Once a
   chart is drawn its table folds away on screen, and opens again for printing. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var dataEl = document.getElementById("dashboard-data");
  var labelsEl = document.getElementById("dashboard-labels");
  if (!dataEl || !labelsEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var L = JSON.parse(labelsEl.textContent);
  var short = function (days) { return days.map(function (d) { return d.slice(5); }); };
  var base = function () {
    return { tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
             grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true }, animation: false };
  };

  function gateTraffic(t) {
    var o = base(), series = [];
    t.series.forEach(function (s) {
      series.push({ name: s.name + " " + L["in"], type: "bar", stack: "in", data: s["in"] });
      series.push({ name: s.name + " " + L.out, type: "bar", stack: "out", data: s.out });
    });
    o.xAxis = { type: "category", data: t.hours.map(function (h) { return (h < 10 ? "0" : "") + h; }) };
    o.yAxis = { type: "value", minInterval: 1 };
    o.series = series;
    return o;
  }
  function denials(d) {
    var o = base();
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    o.xAxis = { type: "value", minInterval: 1 };
    o.yAxis = { type: "category", data: d.reasons.map(function (r) { return r.label; }).reverse() };
    if (data.side_by_side) {
      o.series = data.communities.map(function (c) {
        return { name: c.name, type: "bar", stack: "all",
                 data: d.reasons.map(function (r) { return r.by_community[c.code]; }).reverse() };
      });
    } else {
      o.series = [{ name: L.refused, type: "bar", data: d.reasons.map(function (r) { return r.count; }).reverse() }];
    }
    return o;
  }
  function observation(ob) {
    var o = base();
    o.xAxis = { type: "category", data: short(ob.days) };
    o.yAxis = { type: "value", minInterval: 1 };
    o.series = [];
    ob.series.forEach(function (s) {
      var prefix = data.side_by_side ? s.name + " · " : "";
      o.series.push({ name: prefix + L.home, type: "line", stack: s.code, areaStyle: {}, data: s.home });
      o.series.push({ name: prefix + L.centralised, type: "line", stack: s.code, areaStyle: {}, data: s.centralised });
    });
    return o;
  }
  function coverage(c) {
    var o = base();
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    var names = c.rows.map(function (r) { return (data.side_by_side ? r.community + " " : "") + r.grid; });
    o.xAxis = { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 45 : 0 } };
    o.yAxis = { type: "value", minInterval: 1 };
    o.series = [
      { name: L.seen, type: "bar", stack: "hh", data: c.rows.map(function (r) { return r.seen; }) },
      { name: L.missing, type: "bar", stack: "hh", data: c.rows.map(function (r) { return r.households - r.seen; }) }
    ];
    return o;
  }
  function alerts(a) {
    var o = base();
    o.xAxis = [{ type: "category", data: short(a.days), gridIndex: 0 },
               { type: "category", data: a.open.map(function (r) { return r.label; }), gridIndex: 1,
                 axisLabel: { interval: 0, width: 70, overflow: "break" } }];
    o.yAxis = [{ type: "value", minInterval: 1, gridIndex: 0 }, { type: "value", minInterval: 1, gridIndex: 1 }];
    o.grid = [{ left: 40, right: "38%", top: 36, bottom: 28, containLabel: true },
              { left: "66%", right: 16, top: 36, bottom: 28, containLabel: true }];
    o.series = a.raised.map(function (s) {
      return { name: data.side_by_side ? s.name : L.raised, type: "bar", stack: "raised", data: s.counts,
               xAxisIndex: 0, yAxisIndex: 0 };
    });
    o.series.push({ name: L.open, type: "bar", xAxisIndex: 1, yAxisIndex: 1,
                    data: a.open.map(function (r) { return r.count; }) });
    return o;
  }
  function passes(p) {
    var o = base();
    o.xAxis = { type: "category", data: short(p.days) };
    o.yAxis = { type: "value", minInterval: 1 };
    o.series = p.issued.map(function (s) { return { name: s.label, type: "bar", stack: "issued", data: s.counts }; });
    return o;
  }

  var builders = { gate_traffic: gateTraffic, denials: denials, observation: observation, coverage: coverage,
                   alerts: alerts, passes: passes };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    if (!build) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(data[el.getAttribute("data-chart")]));
    charts.push(chart);
    var figure = el.closest("figure");
    if (figure) {
      figure.querySelectorAll("details[data-chart-table]").forEach(function (d) { d.open = false; });
    }
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-chart-table]").forEach(function (d) { d.open = true; });
  });
}());
