/* The timeout warning of the current system (003 §2.6). After session_warning_minutes before the
 * logout a browser confirm dialog says so (「タイムアウトまで10分を切りました。延長を行いますか？ …」).
 * [OK] posts the extension (with the CSRF token): the server runs the session's time again from now
 * and answers when to warn next. [キャンセル] leaves it: at the time shown the page goes to the login.
 * The timer counts the seconds the server gave (its clock, which tests may move), not the PC's clock.
 */
(function () {
  "use strict";

  var me = document.getElementById("session-warning");
  if (!me || !window.fetch) { return; }
  var extendUrl = me.getAttribute("data-extend-url");
  var endedUrl = me.getAttribute("data-ended-url");
  var csrf = me.getAttribute("data-csrf-token");
  var text = me.getAttribute("data-text");
  var lead = Number(me.getAttribute("data-timeout-in-seconds")) - Number(me.getAttribute("data-warning-in-seconds"));
  var logoutTimer = null;

  function warnIn(seconds) {
    window.setTimeout(warn, Math.max(0, seconds) * 1000);
  }

  function warn() {
    logoutTimer = window.setTimeout(function () { window.location.assign(endedUrl); }, lead * 1000);
    if (!window.confirm(text)) { return; }
    window.clearTimeout(logoutTimer);
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    fetch(extendUrl, { method: "POST", body: body, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (times) {
        me.setAttribute("data-extended", times ? times.timeout_at : "refused");
        if (times && times.warning_in_seconds !== null) { warnIn(times.warning_in_seconds); }
        else { window.location.assign(endedUrl); }
      })
      .catch(function () { window.location.assign(endedUrl); });
  }

  warnIn(Number(me.getAttribute("data-warning-in-seconds")));
})();
