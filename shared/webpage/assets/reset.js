// The reset and forgot-password pages: read the token once, take it out of
// the address bar, and talk to the JSON API of the same origin.
(function () {
  "use strict";

  var token = new URLSearchParams(window.location.search).get("token");
  if (token !== null) {
    // The token must not linger in the address bar, history or bookmarks.
    window.history.replaceState(null, "", window.location.pathname);
  }

  function byId(id) { return document.getElementById(id); }

  function showErrors(messages) {
    var box = byId("errors");
    box.textContent = "";
    if (messages.length === 0) { box.hidden = true; return; }
    var list = document.createElement("ul");
    messages.forEach(function (m) {
      var li = document.createElement("li");
      li.textContent = m;
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
    box.focus && box.focus();
  }

  function markRules(broken) {
    document.querySelectorAll("#policy li").forEach(function (li) {
      li.classList.toggle("broken", broken.indexOf(li.getAttribute("data-rule")) >= 0);
    });
  }

  async function send(method, url, body) {
    var res = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      referrerPolicy: "no-referrer",
      cache: "no-store"
    });
    var data = {};
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = {}; }
    }
    return { status: res.status, data: data };
  }

  var resetForm = byId("reset-form");
  if (resetForm) {
    resetForm.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var pw = byId("new-password").value;
      if (pw !== byId("confirm-password").value) {
        markRules([]);
        showErrors(["The two new passwords are not the same."]);
        return;
      }
      var answers = Array.prototype.map.call(document.querySelectorAll("input[data-question]"), function (input) {
        return { questionId: input.getAttribute("data-question"), answer: input.value };
      });
      var button = byId("submit");
      button.disabled = true;
      try {
        var res = await send("POST", "/v1/password-resets/" + encodeURIComponent(token || ""), { answers: answers, newPassword: pw });
        var err = (res.data && res.data.error) || {};
        if (res.status === 204) {
          resetForm.hidden = true;
          byId("done").hidden = false;
          byId("sign-in-link").focus();
        } else if (res.status === 410) {
          resetForm.hidden = true;
          byId("expired").hidden = false;
        } else if (res.status === 422) {
          var details = err.details || [];
          markRules(details.map(function (d) { return d.rule; }));
          showErrors(details.map(function (d) { return d.message; }));
        } else if (res.status === 403) {
          markRules([]);
          showErrors(["One or more answers are not right. After three wrong tries the link stops working."]);
        } else {
          showErrors([err.message || "Something went wrong. Please try again."]);
        }
      } catch (e) {
        showErrors(["The portal could not be reached. Check your connection and try again."]);
      } finally {
        button.disabled = false;
      }
    });
  }

  var requestForm = byId("request-form");
  if (requestForm) {
    requestForm.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var res = await send("POST", "/v1/password-resets", { email: byId("email").value });
      if (res.status === 202) {
        showErrors([]);
        requestForm.hidden = true;
        var sent = byId("sent");
        sent.textContent = res.data.message;
        sent.hidden = false;
      } else {
        var err = (res.data && res.data.error) || {};
        showErrors([err.message || "Something went wrong. Please try again."]);
      }
    });
  }
})();
