// The invitation page: read the token once and take it out of the address
// bar. Signed in (GET /v1/me answers), the user accepts with one button;
// signed out, they may sign in first or create their user from the
// invitation (POST /v1/invitations/{token}/sign-up), which also signs them in.
import { send, Problems, errorOf, generalMessage } from "./forms.js";
import { SignUpForm } from "./sign-up-form.js";

function byId(id) { return document.getElementById(id); }

const token = new URLSearchParams(window.location.search).get("token");
if (token !== null) {
  window.history.replaceState(null, "", window.location.pathname);
}
const base = "/v1/invitations/" + encodeURIComponent(token || "");

const roleNames = { owner: "an account owner", poc: "a point of contact", user: "a partner user" };

// show leaves only the section with this id visible.
function show(id) {
  ["loading", "accept", "signed-out", "joined", "gone"].forEach(function (s) { byId(s).hidden = s !== id; });
}

function joined(m) {
  show("joined");
  byId("joined-message").textContent = "You are now " + (roleNames[m.role] || m.role) + " of " + m.accountName +
    " (" + m.organizationName + ").";
  byId("joined-heading").focus();
}

function gone() {
  show("gone");
  byId("gone-heading").focus();
}

// Signed in: one button.
const acceptButton = byId("accept-button");
acceptButton.addEventListener("click", async function () {
  const errors = byId("errors");
  errors.hidden = true;
  acceptButton.disabled = true;
  try {
    const res = await send("POST", base + "/accept");
    if (res.status === 200) {
      joined(res.data.membership);
    } else if (res.status === 410) {
      gone();
    } else if (res.status === 401) {
      show("signed-out");
    } else {
      errors.textContent = generalMessage(res);
      errors.hidden = false;
      errors.focus();
    }
  } finally {
    acceptButton.disabled = false;
  }
});

// Signed out: create the user from the invitation.
const form = byId("sign-up-form");
const problems = new Problems(byId("error-summary"));
const fields = new SignUpForm(form, problems, null);
form.addEventListener("submit", async function (ev) {
  ev.preventDefault();
  problems.clear();
  const body = fields.collect();
  if (body === null) { return; }
  fields.busy(true);
  try {
    const res = await send("POST", base + "/sign-up", body);
    if (res.status === 201) {
      fields.password.value = "";
      joined(res.data.membership);
    } else if (res.status === 410) {
      gone();
    } else if (res.status === 409 && errorOf(res).code === "email_taken") {
      problems.show([{ message: "The email address this invitation was sent to already has a user. Sign in with it, then open the link in the email again:",
        link: { href: "/sign-in", text: "sign in" } }]);
    } else {
      fields.explain(res);
    }
  } finally {
    fields.busy(false);
  }
});

(async function () {
  const me = await send("GET", "/v1/me");
  if (me.status === 200) {
    byId("who").textContent = me.data.user.name + " (" + me.data.user.email + ")";
    show("accept");
    return;
  }
  show("signed-out");
  await fields.load();
})();
