/* The Back-button rule of the screens (FAQ Q4-20; 2023 manual §1.3): using the browser's Back
 * (or Forward) button on a page of the login session is an illegal screen transition, and the
 * session ends.
 *
 * base.html includes this script on the pages of a logged-in session only. A page reached by a
 * back/forward navigation (PerformanceNavigationTiming.type "back_forward" when it is loaded
 * again, or `pageshow` with event.persisted when it comes back from the back/forward cache)
 * reports it to the server (POST with the CSRF token); the server ends the session through
 * services.sessions.illegal_transition, and the page is replaced by the one that says so
 * (RASIM409E, from the message catalogue). A link, a form or a reload changes nothing here.
 */
(function () {
  "use strict";

  var me = document.getElementById("navigation-guard");
  if (!me || !window.fetch) { return; }
  var reportUrl = me.getAttribute("data-report-url");
  var endedUrl = me.getAttribute("data-ended-url");
  var csrf = me.getAttribute("data-csrf-token");
  var reported = false;

  function navigationType() {
    var perf = window.performance;
    if (perf && perf.getEntriesByType) {
      var entries = perf.getEntriesByType("navigation");
      if (entries.length && entries[0].type) { return entries[0].type; }
    }
    if (perf && perf.navigation) {   // older browsers: 2 = TYPE_BACK_FORWARD
      return perf.navigation.type === 2 ? "back_forward" : "other";
    }
    return "navigate";
  }

  function endSession() {
    if (reported) { return; }
    reported = true;
    document.documentElement.setAttribute("aria-busy", "true");
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    // "manual": the answer is a redirect to the page of the ended session, which the replace
    // below opens (so that page is shown once, by the browser, and not read by fetch).
    fetch(reportUrl, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                       cache: "no-store" })
      .catch(function () { return null; })
      .then(function () { window.location.replace(endedUrl); });
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      reported = false;   // a page restored from the back/forward cache runs this again
      endSession();
    } else if (navigationType() === "back_forward") {
      endSession();
    }
  });
}());
