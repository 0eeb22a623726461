// The invitation page: read the token once, take it out of the address bar,
// accept with the session cookie.
(function () {
  "use strict";
  var token = new URLSearchParams(window.location.search).get("token");
  if (token !== null) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  function byId(id) { return document.getElementById(id); }
  byId("accept-button").addEventListener("click", async function () {
    var errors = byId("errors");
    errors.hidden = true;
    var res = await fetch("/v1/invitations/" + encodeURIComponent(token || "") + "/accept", {
      method: "POST", credentials: "same-origin", referrerPolicy: "no-referrer"
    });
    var body = {};
    try { body = await res.json(); } catch (e) { body = {}; }
    if (res.status === 200) {
      var m = body.membership;
      byId("accept").hidden = true;
      byId("joined").hidden = false;
      byId("joined-message").textContent = "You are now " + m.role + " of " + m.accountName + " (" + m.organizationName + ").";
      return;
    }
    if (res.status === 401) {
      byId("sign-in-first").hidden = false;
      return;
    }
    errors.textContent = (body.error && body.error.message) || "Something went wrong. Please try again.";
    errors.hidden = false;
  });
})();
