/* The card panel of the 外国人本人・その他 pages (registration and login with the My Number Card).
 *
 * It talks to the local card bridge (`rasim card bridge`, the stand-in for the JPKI client
 * software and its Chrome extension): GET /status, POST /sign. The PINs go to the bridge only,
 * which verifies them on the card; the server sees the certificates and the signatures over its
 * own challenge (POST /card/challenge). Without bridge, reader or card, or with a missing or
 * expired certificate, the page shows RASIM460E (the message of FAQ Q2-18/Q2-20) and stays.
 */
(function () {
  "use strict";

  var panel = document.getElementById("card-panel");
  if (!panel) { return; }
  var bridge = panel.getAttribute("data-bridge");
  var purpose = panel.getAttribute("data-purpose");
  var challengeUrl = panel.getAttribute("data-challenge-url");
  var csrf = panel.querySelector("input[name=csrf_token]").value;
  var messages = JSON.parse(document.getElementById("card-messages").textContent);
  var statusEl = document.getElementById("card-status");
  var errorsEl = document.getElementById("card-errors");
  var remedyEl = document.getElementById("card-remedy");
  var retryBox = document.getElementById("card-retry-box");
  var pinsEl = document.getElementById("card-pins");
  var readButton = document.getElementById("card-read");
  var TIMEOUT_MS = 20000;
  var PIN_FORMAT = { auth: /^[0-9]{4}$/, sign: /^[A-Z0-9]{6,16}$/ };

  function pinInput(key) { return document.getElementById(key + "_pin"); }
  function pinKeys() {
    return Array.prototype.map.call(pinsEl.querySelectorAll("input[data-key]"),
      function (input) { return input.getAttribute("data-key"); });
  }

  function setState(state, text) {
    panel.setAttribute("data-state", state);
    statusEl.textContent = text || "";
    statusEl.hidden = !text;
  }

  function paragraphs(target, lines) {
    target.textContent = "";
    (lines || []).forEach(function (line) {
      if (!line) { return; }
      var p = document.createElement("p");
      p.textContent = line;
      target.appendChild(p);
    });
    target.hidden = !target.childNodes.length;
  }

  function showErrors(lines, remedies) {
    paragraphs(errorsEl, lines);
    paragraphs(remedyEl, remedies);
  }

  function clearErrors() { showErrors([], []); }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  /* One request to the bridge; a network failure (no bridge, refused origin) is status 0. */
  function callBridge(path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var init = { method: body === undefined ? "GET" : "POST", mode: "cors", credentials: "omit",
                 cache: "no-store", signal: controller.signal };
    if (body !== undefined) {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    return fetch(bridge + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, body: data || {} };
      });
    }, function () {
      return { status: 0, body: { error: "no_bridge" } };
    }).finally(function () { clearTimeout(timer); });
  }

  function CardProblem(problem) { this.problem = problem; }
  function ShownError(lines, remedies) { this.lines = lines; this.remedies = remedies || []; }

  function notReady(problem) {
    var detail = messages.details[problem] || messages.details.card_error;
    pinsEl.hidden = true;
    setState("not-ready", "");
    showErrors(messages.not_ready, [messages.not_ready_remedy, detail]);
    retryBox.hidden = false;
  }

  function checkCard() {
    clearErrors();
    retryBox.hidden = true;
    pinsEl.hidden = true;
    setState("checking", messages.checking);
    return callBridge("/status").then(function (r) {
      if (r.status !== 200 || !r.body.ready) {
        notReady(r.body.problem || r.body.error || "no_bridge");
        return;
      }
      setState("ready", messages.ready);
      pinsEl.hidden = false;
      var first = pinInput(pinKeys()[0]);
      if (first) { first.focus(); }
    });
  }

  function newChallenge() {
    var form = new URLSearchParams();
    form.set("csrf_token", csrf);
    form.set("purpose", purpose);
    return fetch(challengeUrl, { method: "POST", body: form, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (response.ok && data && data.challenge) { return data; }
          throw new ShownError((data && data.lines) || [messages.failed]);
        });
      }, function () { throw new ShownError([messages.failed]); });
  }

  function signWith(key, pin, challenge) {
    return callBridge("/sign", { key: key, pin: pin, challenge: challenge }).then(function (r) {
      if (r.status === 200 && r.body.signature && r.body.certificate) { return r.body; }
      if (r.status === 403 && r.body.error === "wrong_pin") {
        throw new ShownError(messages.wrong_pin,
          [fill(messages.tries_left[key], { n: r.body.tries_left }), messages.wrong_pin_remedy]);
      }
      if (r.status === 423) { throw new ShownError(messages.blocked, [messages.blocked_remedy]); }
      if (r.status === 400 && r.body.error === "pin_format") { throw new ShownError([messages.pin_format[key]]); }
      throw new CardProblem(r.body.error || "no_bridge");
    });
  }

  function setHidden(form, name, value) {
    form.querySelector("input[type=hidden][name=" + name + "]").value = value;
  }

  function clearPins() { pinKeys().forEach(function (key) { pinInput(key).value = ""; }); }

  function readCard() {
    clearErrors();
    var pins = {};
    var wrongFormat = [];
    pinKeys().forEach(function (key) {
      pins[key] = pinInput(key).value;
      if (!PIN_FORMAT[key].test(pins[key])) { wrongFormat.push(messages.pin_format[key]); }
    });
    if (wrongFormat.length) { showErrors(wrongFormat, []); return Promise.resolve(); }
    readButton.disabled = true;
    setState("reading", messages.reading);
    var challenge;
    return callBridge("/status").then(function (r) {
      // the card may have been taken out since the page was opened
      if (r.status !== 200 || !r.body.ready) { throw new CardProblem(r.body.problem || r.body.error || "no_bridge"); }
      return newChallenge();
    }).then(function (made) {
      challenge = made;
      if (purpose === "registration") {
        return signWith("sign", pins.sign, challenge.challenge).then(function (signed) {
          return signWith("auth", pins.auth, challenge.challenge).then(function (authenticated) {
            var form = document.getElementById("card-proof");
            setHidden(form, "challenge_id", challenge.challenge_id);
            setHidden(form, "signature_certificate", signed.certificate);
            setHidden(form, "signature", signed.signature);
            setHidden(form, "authentication_certificate", authenticated.certificate);
            setHidden(form, "authentication_signature", authenticated.signature);
            clearPins();
            setState("signed", messages.reading);
            form.submit();
          });
        });
      }
      return signWith("auth", pins.auth, challenge.challenge).then(function (authenticated) {
        var form = document.getElementById("card-login-form");
        setHidden(form, "challenge_id", challenge.challenge_id);
        setHidden(form, "authentication_certificate", authenticated.certificate);
        setHidden(form, "signature", authenticated.signature);
        clearPins();
        pinsEl.hidden = true;
        setState("signed", messages.read_done);
        form.hidden = false;
        var id = form.querySelector("input[name=auth_id]");
        (id.value ? form.querySelector("input[name=password]") : id).focus();
      });
    }).catch(function (error) {
      if (error instanceof CardProblem) { notReady(error.problem); return; }
      setState("ready", "");
      showErrors(error instanceof ShownError ? error.lines : [messages.failed],
                 error instanceof ShownError ? error.remedies : [String(error)]);
    }).finally(function () { readButton.disabled = false; });
  }

  readButton.addEventListener("click", readCard);
  pinKeys().forEach(function (key) {
    pinInput(key).addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); readCard(); }
    });
  });
  document.getElementById("card-retry").addEventListener("click", checkCard);
  checkCard();
}());
