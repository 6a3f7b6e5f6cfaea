// Draws the charts of the page from the figure JSON the server put next to each one.
//
// The page never waits for plotly.js: it is fetched once the page has loaded (or as soon as
// a chart is in view, if that comes first), and each chart is drawn when it comes near the
// screen, one chart per task, so that scrolling and typing stay responsive while they draw.
// Printing draws every chart still waiting. Each chart's box keeps the figure's height from
// the start, so that nothing moves when it is drawn.
//
// The server chooses the date labels (whole days, in the page's language); on a chart too
// narrow for all of them, every second (or fourth...) label is left out, so that none
// overlaps its neighbour. Widening the window brings them back.
(function () {
  var GAP = 8; // px between two date labels
  var NEAR = "50% 0px"; // a chart half a screen away from being seen is drawn already
  var script = document.currentScript;
  var charts = []; // {node, source, axis, state: "waiting", "queued", "drawing" or "drawn"}
  var queue = [];
  var plotly = null;
  var pumping = false;

  function loadPlotly() {
    if (plotly) { return plotly; }
    plotly = new Promise(function (resolve, reject) {
      if (window.Plotly) { resolve(window.Plotly); return; }
      var source = script && script.getAttribute("data-plotly");
      if (!source) { reject(new Error("this page names no plotly.js")); return; }
      var tag = document.createElement("script");
      tag.src = source;
      tag.async = true;
      tag.onload = function () { resolve(window.Plotly); };
      tag.onerror = function () { reject(new Error("plotly.js did not load")); };
      document.head.appendChild(tag);
    });
    return plotly;
  }

  // The figure's height, read from the end of its JSON (the layout is written last),
  // without parsing the whole figure before it is needed.
  function heightOf(text) {
    var at = text.lastIndexOf('"height":');
    return at < 0 ? 0 : parseInt(text.slice(at + 9, at + 16), 10) || 0;
  }

  function labelsOverlap(node) {
    var boxes = Array.prototype.map.call(
      node.querySelectorAll(".xaxislayer-above .xtick text"),
      function (label) { return label.getBoundingClientRect(); }
    ).filter(function (box) { return box.width > 0; })
      .sort(function (a, b) { return a.left - b.left; });
    for (var i = 1; i < boxes.length; i++) {
      if (boxes[i].left < boxes[i - 1].right + GAP) { return true; }
    }
    return false;
  }

  function thinned(axis, every) {
    var keep = function (_, index) { return index % every === 0; };
    return {
      "xaxis.tickvals": axis.tickvals.filter(keep),
      "xaxis.ticktext": axis.ticktext.filter(keep),
    };
  }

  // Starts from every label and halves them until they fit, or one is left.
  function fitDates(chart) {
    var node = chart.node, axis = chart.axis;
    if (!axis || axis.tickvals.length < 2) { return Promise.resolve(); }
    var every = 1;
    var step = function () {
      if (!labelsOverlap(node) || every >= axis.tickvals.length) { return Promise.resolve(); }
      every *= 2;
      node.dataset.everyDate = every;
      return window.Plotly.relayout(node, thinned(axis, every)).then(step);
    };
    if (node.dataset.everyDate && node.dataset.everyDate !== "1") {
      node.dataset.everyDate = 1; // the chart may have grown: try every label again
      return window.Plotly.relayout(node, thinned(axis, 1)).then(step);
    }
    return step();
  }

  function draw(chart) {
    chart.state = "drawing";
    var figure = JSON.parse(chart.source.textContent);
    var x = figure.layout.xaxis;
    chart.axis = x && x.tickvals ? { tickvals: x.tickvals.slice(), ticktext: x.ticktext.slice() } : null;
    return window.Plotly.newPlot(chart.node, figure.data, figure.layout, {
      displayModeBar: false, responsive: true,
    }).then(function () { return fitDates(chart); }).then(function () {
      chart.state = "drawn";
      chart.node.dataset.drawn = "true";
    });
  }

  // One chart per task, in the order they came into view.
  function pump() {
    if (pumping || !queue.length) { return; }
    pumping = true;
    loadPlotly().then(function () {
      var next = function () {
        var chart = queue.shift();
        if (!chart) { pumping = false; return; }
        if (chart.state !== "queued") { next(); return; }
        var after = function () { setTimeout(next, 0); };
        safely(chart).then(after, after);
      };
      next();
    }, function () { pumping = false; });
  }

  function enqueue(chart) {
    if (chart.state !== "waiting") { return; }
    chart.state = "queued";
    queue.push(chart);
    pump();
  }

  // A chart that cannot be drawn says why in the console, and the others are still drawn.
  function safely(chart) {
    var drawn;
    try { drawn = draw(chart); } catch (error) { drawn = Promise.reject(error); }
    return drawn.catch(function (error) { console.error(error); });
  }

  // Before printing, there is no later: every chart still waiting is drawn now, or as soon
  // as plotly.js has arrived if the reader prints before it has.
  function drawEveryChart() {
    if (!window.Plotly) { loadPlotly().then(drawEveryChart, function () {}); return; }
    charts.forEach(function (chart) {
      if (chart.state === "waiting" || chart.state === "queued") { safely(chart); }
    });
  }

  function refitAll() {
    var drawn = charts.filter(function (chart) { return chart.state === "drawn"; });
    var next = function () {
      var chart = drawn.shift();
      if (chart) { fitDates(chart).then(function () { setTimeout(next, 0); }); }
    };
    next();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), function (node) {
      var source = document.getElementById(node.dataset.figure);
      if (!source) { return; }
      var height = heightOf(source.textContent);
      if (height) { node.style.minHeight = height + "px"; }
      charts.push({ node: node, source: source, state: "waiting" });
    });
    if (!charts.length) { return; }
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) { return; }
          observer.unobserve(entry.target);
          charts.forEach(function (chart) { if (chart.node === entry.target) { enqueue(chart); } });
        });
      }, { rootMargin: NEAR });
      charts.forEach(function (chart) { observer.observe(chart.node); });
    } else {
      charts.forEach(enqueue);
    }
    // Fetched once the page is there, so that scrolling to a chart or printing finds it.
    if (document.readyState === "complete") { loadPlotly(); } else {
      window.addEventListener("load", function () { loadPlotly(); });
    }
    window.addEventListener("beforeprint", drawEveryChart);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function (event) { if (event.matches) { drawEveryChart(); } };
      if (print.addEventListener) { print.addEventListener("change", onPrint); } else { print.addListener(onPrint); }
    }
    var waiting = null;
    window.addEventListener("resize", function () {
      clearTimeout(waiting);
      // After Plotly's own resize (responsive: true) has redrawn the charts.
      waiting = setTimeout(refitAll, 250);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
