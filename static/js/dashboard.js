// The dashboard (templates/reports/dashboard.html): ECharts charts fed by the JSON data island
// `#dashboard-data` (Django's json_script), and the sortable breakdown table. No inline scripts:
// the Content-Security-Policy forbids them.
(function () {
  "use strict";

  var RED = "#b71c1c";
  var BLUE = "#1565c0";
  var GREY = "#9e9e9e";
  var charts = [];

  function readData() {
    var island = document.getElementById("dashboard-data");
    if (!island) return null;
    try {
      return JSON.parse(island.textContent);
    } catch (error) {
      return null;
    }
  }

  function percentLabel(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function makeChart(id, option, urls) {
    var element = document.getElementById(id);
    if (!element || !window.echarts) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    if (urls) {
      // a bar or a slice opens what it stands for (a child's dashboard, a filtered list)
      chart.on("click", function (params) {
        var url = urls[params.dataIndex];
        if (url) window.location.assign(url);
      });
    }
    charts.push(chart);
  }

  function trendChart(trend) {
    var hasData = trend.unionization_rate.some(function (v) { return v !== null; });
    makeChart("chart-trend", {
      title: hasData ? undefined : { text: "暂无季度快照", left: "center", top: "middle",
        textStyle: { color: GREY, fontSize: 14, fontWeight: "normal" } },
      tooltip: { trigger: "axis", valueFormatter: percentLabel },
      legend: { data: ["建会率", "入会率"], top: 0 },
      grid: { left: 40, right: 12, top: 30, bottom: 28 },
      xAxis: { type: "category", data: trend.quarters, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "建会率", type: "line", data: trend.unionization_rate, color: RED,
          connectNulls: false, symbolSize: 6 },
        { name: "入会率", type: "line", data: trend.membership_rate, color: BLUE,
          connectNulls: false, symbolSize: 6 }
      ]
    });
  }

  function childrenChart(children) {
    if (!children.names.length) return;
    var series = [];
    if (children.unionization_rate.some(function (v) { return v !== null; })) {
      series.push({ name: "建会率", type: "bar", data: children.unionization_rate, color: RED });
    }
    series.push({ name: "入会率", type: "bar", data: children.membership_rate, color: BLUE });
    makeChart("chart-children", {
      tooltip: { trigger: "axis", valueFormatter: percentLabel },
      legend: { top: 0 },
      grid: { left: 44, right: 12, top: 30, bottom: 70 },
      xAxis: { type: "category", data: children.names,
        axisLabel: { interval: 0, rotate: children.names.length > 8 ? 40 : 0, fontSize: 11 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series
    }, children.urls);
  }

  function mixChart(mix) {
    var total = mix.reduce(function (sum, item) { return sum + item.value; }, 0);
    makeChart("chart-status-mix", {
      title: total ? undefined : { text: "暂无企业", left: "center", top: "middle",
        textStyle: { color: GREY, fontSize: 14, fontWeight: "normal" } },
      tooltip: { trigger: "item", formatter: "{b}：{c} 家（{d}%）" },
      legend: { bottom: 0 },
      color: [RED, "#ef9a9a", "#bdbdbd"],
      series: [{
        type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: mix.map(function (item) { return { name: item.name, value: item.value }; })
      }]
    }, mix.map(function (item) { return item.url; }));
  }

  // --- sortable table: click a header to sort by it, again to reverse --------------------------
  function sortTable(table, index, numeric, button) {
    var th = button.closest("th");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.sortValue || "";
      var y = b.cells[index].dataset.sortValue || "";
      var order;
      if (numeric) {
        // empty (a rate with a zero denominator) sorts last either way
        if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
        order = parseFloat(x) - parseFloat(y);
      } else {
        order = x.localeCompare(y, "zh-Hans-CN");
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("table[data-sortable] .sort");
    if (!button) return;
    sortTable(button.closest("table"), parseInt(button.dataset.sortIndex, 10),
      button.hasAttribute("data-sort-numeric"), button);
  });

  function init() {
    var data = readData();
    if (!data) return;
    trendChart(data.trend);
    childrenChart(data.children);
    mixChart(data.status_mix);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
