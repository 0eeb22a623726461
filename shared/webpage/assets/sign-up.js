// The sign-up page: POST /v1/users, then "check your email". The answer is
// the same whether or not the address already has a user, so the page says
// only what the API says.
import { send, Problems } from "./forms.js";
import { SignUpForm } from "./sign-up-form.js";

function byId(id) { return document.getElementById(id); }

const form = byId("sign-up-form");
const problems = new Problems(byId("error-summary"));
const fields = new SignUpForm(form, problems, byId("email"));

form.addEventListener("submit", async function (ev) {
  ev.preventDefault();
  problems.clear();
  const body = fields.collect();
  if (body === null) { return; }
  fields.busy(true);
  try {
    const res = await send("POST", "/v1/users", body);
    if (res.status === 202) {
      form.hidden = true;
      // The same words for a new and a taken address, as the API's answer.
      byId("check-email-address").textContent = body.email.trim();
      byId("check-email").hidden = false;
      byId("check-email-heading").focus();
      return;
    }
    fields.explain(res);
  } finally {
    fields.busy(false);
  }
});

fields.load();
