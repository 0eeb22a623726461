// The email-confirmation page the verification mail links to: read the
// token once and take it out of the address bar, confirm with one button
// (POST /v1/email-verifications/{token}); when the link no longer works, or
// the page was opened without one, ask for a new link
// (POST /v1/email-verifications).
import { send, generalMessage, emailRequest } from "./forms.js";

function byId(id) { return document.getElementById(id); }

const token = new URLSearchParams(window.location.search).get("token");
if (token !== null) {
  // The token must not linger in the address bar, history or bookmarks.
  window.history.replaceState(null, "", window.location.pathname);
}

function showResend() {
  byId("confirm").hidden = true;
  byId("resend").hidden = false;
  byId("resend-heading").focus();
}

const confirmButton = byId("confirm-button");
confirmButton.addEventListener("click", async function () {
  const errors = byId("confirm-errors");
  errors.hidden = true;
  confirmButton.disabled = true;
  try {
    const res = await send("POST", "/v1/email-verifications/" + encodeURIComponent(token || ""));
    if (res.status === 204) {
      byId("confirm").hidden = true;
      byId("aside").hidden = true;
      byId("confirmed").hidden = false;
      byId("confirmed-heading").focus();
    } else if (res.status === 410) {
      showResend();
    } else {
      errors.textContent = generalMessage(res);
      errors.hidden = false;
      errors.focus();
    }
  } finally {
    confirmButton.disabled = false;
  }
});

emailRequest(byId("resend-form"), byId("email"), byId("error-summary"), "/v1/email-verifications");
