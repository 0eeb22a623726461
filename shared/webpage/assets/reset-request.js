// The form that asks for a reset link by email (POST /v1/password-resets),
// on /forgot-password and on /reset-password once a link no longer works.
// The answer is the same whether or not the address has a user, so the
// page says only what the API says.
import { send, Problems, fieldProblems, generalMessage } from "./forms.js";

function byId(id) { return document.getElementById(id); }

// askForLink makes the page's request form send its email.
export function askForLink() {
  const form = byId("request-form");
  const email = byId("email");
  const problems = new Problems(byId("request-summary"));
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    problems.clear();
    button.disabled = true;
    try {
      const res = await send("POST", "/v1/password-resets", { email: email.value });
      if (res.status === 202) {
        form.hidden = true;
        const sent = byId("sent");
        sent.textContent = res.data.message;
        sent.hidden = false;
      } else if (res.status === 400) {
        problems.show(fieldProblems(res, function (name) { return name === "email" ? email : null; }));
      } else {
        problems.show([{ message: generalMessage(res) }]);
      }
    } finally {
      button.disabled = false;
    }
  });
}
