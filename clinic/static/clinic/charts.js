// Draws every chart of the page from the figure JSON the server put next to it.
//
// The server chooses the date labels (whole days, in the page's language); on a chart too
// narrow for all of them, every second (or fourth...) label is left out, so that none
// overlaps its neighbour. Widening the window brings them back.
(function () {
  var GAP = 8; // px between two date labels

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
  function fitDates(node, axis) {
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

  function draw(node) {
    var source = document.getElementById(node.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var axis = figure.layout.xaxis && figure.layout.xaxis.tickvals ? {
      tickvals: figure.layout.xaxis.tickvals.slice(),
      ticktext: figure.layout.xaxis.ticktext.slice(),
    } : null;
    window.Plotly.newPlot(node, figure.data, figure.layout, {
      displayModeBar: false, responsive: true,
    }).then(function () { return fitDates(node, axis); }).then(function () {
      node.dataset.drawn = "true";
    });
    var waiting = null;
    window.addEventListener("resize", function () {
      clearTimeout(waiting);
      // After Plotly's own resize (responsive: true) has redrawn the chart.
      waiting = setTimeout(function () { fitDates(node, axis); }, 250);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
  });
})();
