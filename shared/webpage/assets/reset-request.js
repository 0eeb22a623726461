// The form that asks for a reset link by email (POST /v1/password-resets),
// on /forgot-password and on /reset-password once a link no longer works.
// The answer is the same whether or not the address has a user, so the
// page says only what the API says.
import { emailRequest } from "./forms.js";

function byId(id) { return document.getElementById(id); }

// askForLink makes the page's request form send its email.
export function askForLink() {
  emailRequest(byId("request-form"), byId("email"), byId("request-summary"), "/v1/password-resets");
}
