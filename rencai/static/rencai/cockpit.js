/* 驾驶舱 charts (rencai/cockpit): each .cockpit-chart reads its data from the page's
   application/json block named by data-source (json_script: never executed, so the CSP holds),
   draws it with ECharts (served from the package) and opens an element's list on click. */
(function () {
  "use strict";
  var charts = {};
  window.rencaiCharts = charts; // the Chromium tests find an element's position through these

  function items(data) {
    return data.items.map(function (item) {
      return { name: item.name, value: item.value, url: item.url };
    });
  }

  function bar(data, el) {
    var names = data.items.map(function (i) { return i.name; });
    el.style.height = Math.max(220, 30 * names.length + 60) + "px";
    return {
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: data.measure === "%" ? 0 : 1 },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 96, overflow: "truncate" } },
      series: [{ type: "bar", data: items(data), label: { show: true, position: "right" }, cursor: "pointer" }]
    };
  }

  function line(data) {
    return {
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.items.map(function (i) { return i.name; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", data: items(data), symbolSize: 10, label: { show: true }, cursor: "pointer" }]
    };
  }

  function pie(data) {
    return {
      legend: { type: "scroll", bottom: 0 },
      series: [{
        type: "pie", radius: ["30%", "62%"], center: ["50%", "44%"],
        data: items(data).filter(function (i) { return i.value; }),
        label: { formatter: "{b}\n{c}" }, cursor: "pointer"
      }]
    };
  }

  function treemap(data) {
    return {
      series: [{
        type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false },
        width: "100%", height: "100%", top: 0, left: 0,
        data: items(data).filter(function (i) { return i.value; }),
        label: { formatter: "{b}\n{c}" }, cursor: "pointer"
      }]
    };
  }

  function gauge(data) {
    var main = data.items[0];
    var marks = [{ value: main.value === null ? 0 : main.value, name: main.name, url: main.url }];
    if (data.marker && data.marker.value !== null) {
      marks.push({ value: data.marker.value, name: data.marker.name, url: main.url,
                   itemStyle: { color: "#adb5bd" }, detail: { show: false }, title: { show: false } });
    }
    return {
      series: [{
        type: "gauge", min: 0, max: 100, progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12 } },
        detail: { formatter: main.value === null ? "—" : "{value}%", fontSize: 22, offsetCenter: [0, "70%"] },
        title: { offsetCenter: [0, "95%"] },
        data: marks, cursor: "pointer"
      }]
    };
  }

  var build = { bar: bar, line: line, pie: pie, treemap: treemap, gauge: gauge };

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var option = build[data.kind](data, el);
    option.animation = false;
    option.tooltip = { trigger: "item", renderMode: "richText" };
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.assign(url); }
    });
    charts[el.id] = chart;
  }

  function drawAll() {
    document.querySelectorAll(".cockpit-chart").forEach(draw);
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
