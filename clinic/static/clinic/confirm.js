// Buttons that change a record ask first. A form marked data-confirm asks with the
// data-confirm-text of the button that submitted it (the text comes translated from the
// template); cancelling leaves everything as it was.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) { return; }
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm-text")) ||
      form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
