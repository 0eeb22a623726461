// The sign-in page: POST /v1/sessions sets the session cookie; GET /v1/me
// shows who is signed in; DELETE /v1/sessions/current signs out.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  function show(signedIn, me) {
    byId("sign-in-form").hidden = signedIn;
    byId("signed-in").hidden = !signedIn;
    if (signedIn) {
      byId("who").textContent = me.user.name + " (" + me.user.email + ")";
      var n = (me.memberships || []).length;
      byId("memberships").textContent = n === 0 ? "You do not belong to any trade account yet." :
        "You belong to " + n + " trade account" + (n === 1 ? "" : "s") + ".";
    }
  }

  async function me() {
    var res = await fetch("/v1/me", { credentials: "same-origin", cache: "no-store" });
    if (res.status !== 200) { show(false); return; }
    show(true, await res.json());
  }

  byId("sign-in-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var errors = byId("errors");
    errors.hidden = true;
    var res = await fetch("/v1/sessions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: byId("email").value, password: byId("password").value })
    });
    if (res.status === 201) {
      byId("password").value = "";
      await me();
      return;
    }
    var body = {};
    try { body = await res.json(); } catch (e) { body = {}; }
    errors.textContent = "";
    if (res.status === 403 && body.error && body.error.code === "email_not_verified") {
      // The right password of a user whose address is not confirmed yet.
      errors.appendChild(document.createTextNode("Your email address is not confirmed yet. Follow the link in the email we sent when you signed up. The link no longer works or never arrived? "));
      var link = document.createElement("a");
      link.href = "/verify-email";
      link.textContent = "Ask for a new link";
      errors.appendChild(link);
      errors.appendChild(document.createTextNode("."));
    } else if (res.status === 429) {
      var wait = parseInt(res.headers.get("Retry-After") || "", 10);
      errors.textContent = "Too many tries from your network. Wait " + (wait > 0 ? wait + " seconds" : "a minute") + ", then try again.";
    } else {
      errors.textContent = (body.error && body.error.message) || "Something went wrong. Please try again.";
    }
    errors.hidden = false;
  });

  byId("sign-out").addEventListener("click", async function () {
    await fetch("/v1/sessions/current", { method: "DELETE", credentials: "same-origin" });
    show(false);
  });

  me();
})();
