// [申込確認] of edition 2026 (seed 003 §4.2.4 step 2, §5.2 step 7): 「申込む」 first shows the browser's confirm with
// the form's data-confirm text; [OK] sends the form, [キャンセル] stays. Without JavaScript the form is sent as is.
(function () {
  var form = document.getElementById("confirm-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.value === "complete" && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
}());
