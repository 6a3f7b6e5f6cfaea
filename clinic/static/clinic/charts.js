// Draws every chart of the page from the figure JSON the server put next to it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (node) {
    var source = document.getElementById(node.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(node, figure.data, figure.layout, {
      displayModeBar: false, responsive: true,
    });
  });
});
