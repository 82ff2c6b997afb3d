/* Dashboards: charts drawn with the locally vendored ECharts from the JSON the page embeds. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  var palette = ["#1f4e8c", "#2f6db5", "#1b7f3b", "#8a5a00", "#b3261e", "#5f6b7a", "#7b5ea7", "#0f766e"];
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function amount(value) { return Number(value).toLocaleString("zh-CN"); }
  /* The tooltip's text built without style attributes (ECharts' own markup carries inline styles,
     which the Content-Security-Policy refuses): the colour dot is a class of site.css. */
  function tip(params) {
    var list = Array.isArray(params) ? params : [params];
    var head = list.length && list[0].axisValueLabel !== undefined ? '<div class="chart-tip-title">' + esc(list[0].axisValueLabel) + "</div>" : "";
    return head + list.map(function (p) {
      var axis = Array.isArray(params), colour = ((axis ? p.seriesIndex : p.dataIndex) || 0) % palette.length;
      return '<div class="chart-tip-row"><span class="chart-dot chart-dot-' + colour + '"></span>' + esc(axis ? p.seriesName : p.name) +
        "<b>" + esc(amount(p.value)) + (p.percent !== undefined ? "（" + p.percent + "%）" : "") + "</b></div>";
    }).join("");
  }
  function pie(pairs) {
    return { color: palette, tooltip: { trigger: "item", formatter: tip }, legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30, label: { formatter: "{b}\n{c}" },
        data: pairs.map(function (p) { return { name: p[0], value: p[1] }; }) }] };
  }
  function bars(categories, series, stack) {
    return { color: palette, tooltip: { trigger: "axis", formatter: tip }, legend: { bottom: 0, type: "scroll" },
      grid: { left: 60, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: categories }, yAxis: { type: "value" },
      series: series.map(function (s) { return { name: s[0], type: "bar", stack: stack ? "total" : undefined, data: s[1] }; }) };
  }
  function entries(obj) { return Object.keys(obj || {}).map(function (k) { return [k, obj[k]]; }); }
  function num(list) { return (list || []).map(function (v) { return Number(v); }); }
  var clauseNames = { "14.1": "首次认定资助（第14条）", "14.2": "优秀奖励（第14条）", "15.1": "国家级称号奖励（第15条）", "15.2": "北京市级称号奖励（第15条）" };
  var builders = {
    "studio-state": function (d) { return pie(entries(d.studios.by_state)); },
    "studio-group": function (d) { return pie(entries(d.studios.by_group)); },
    "studio-year": function (d) { var e = entries(d.studios.by_year); return bars(e.map(function (x) { return x[0] + "年"; }), [["认定数", e.map(function (x) { return x[1]; })]]); },
    "applications": function (d) { return bars(d.applications.rounds, entries(d.applications.states), true); },
    "grants": function (d) {
      var g = d.grants, series = entries(g.approved_by_clause).map(function (e) { return [(clauseNames[e[0]] || e[0]) + " 核定", num(e[1])]; });
      var option = bars(g.years.map(function (y) { return y + "年"; }), series, true);
      option.series.push({ name: "拨付", type: "bar", data: num(g.disbursed) });
      option.series.push({ name: "追回", type: "bar", data: num(g.recovered) });
      return option;
    },
    "grades": function (d) {
      var years = Object.keys(d.grades || {}), grades = {};
      years.forEach(function (y) { Object.keys(d.grades[y]).forEach(function (g) { grades[g] = true; }); });
      return bars(years, Object.keys(grades).map(function (g) { return [g, years.map(function (y) { return d.grades[y][g] || 0; })]; }), true);
    },
    "public-year": function (d) { var e = entries(d.by_year); return bars(e.map(function (x) { return x[0] + "年"; }), [["认定数", e.map(function (x) { return x[1]; })]]); },
    "public-group": function (d) { return pie(entries(d.by_group)); }
  };
  ready(function () {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent), charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) { return; }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(data));
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
