// The live counter under a text area of edition 2026 (seed 003 §4.2.1 「入力文字数： 0 / 600」): the server draws
// the count of what is shown; this keeps it up to date while the user types. Characters are counted as the
// server counts them (code points), so an emoji is one.
(function () {
  var counters = document.querySelectorAll("[data-count-of]");
  Array.prototype.forEach.call(counters, function (counter) {
    var area = document.getElementById(counter.getAttribute("data-count-of"));
    if (!area) { return; }
    var update = function () { counter.textContent = String(Array.from(area.value).length); };
    area.addEventListener("input", update);
    update();
  });
}());
