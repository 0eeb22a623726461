// The password rules listed under a new-password field, on /sign-up,
// /accept-invitation and /reset-password: the rules of
// GET /v1/password-policy, checked as the person types where a browser can
// tell (length, the email, the composition rules; the server stays the
// judge), and the rules the server says a refused password breaks marked.
import { errorOf, labelOf } from "./forms.js";

// localPart is the part of an address before the @, as the policy compares it.
function localPart(email) {
  return email.trim().toLowerCase().split("@")[0];
}

// checks are the rules a browser can decide, by rule name: each answers
// whether pw meets it (policy is GET /v1/password-policy's answer), or null
// when the page cannot tell (the email of an invitation or of a reset link
// is not on the page).
const checks = {
  min_length: function (pw, policy) { return Array.from(pw).length >= policy.minLength; },
  max_length: function (pw, policy) { return Array.from(pw).length <= policy.maxLength; },
  contains_email: function (pw, policy, email) {
    if (email === null) { return null; }
    const local = localPart(email);
    return local.length < 3 || pw.toLowerCase().indexOf(local) < 0;
  },
  uppercase: function (pw) { return /\p{Lu}/u.test(pw); },
  lowercase: function (pw) { return /\p{Ll}/u.test(pw); },
  digit: function (pw) { return /\p{Nd}/u.test(pw); },
  special: function (pw) { return /[^\p{Lu}\p{Ll}\p{Nd}]/u.test(pw); }
};

// PasswordRules fills list (a <ul>) with the rules for the field password;
// email is the page's email field, or null when the address is not on the
// page.
export class PasswordRules {
  constructor(list, password, email) {
    this.list = list;
    this.password = password;
    this.email = email;
    this.policy = null;
    const self = this;
    password.addEventListener("input", function () { self.check(); });
    if (email) {
      email.addEventListener("input", function () { self.check(); });
    }
  }

  // show lists the rules of policy (GET /v1/password-policy's answer) but
  // those named in skip, and checks the password typed so far.
  show(policy, skip) {
    this.policy = policy;
    const list = this.list;
    list.textContent = "";
    (policy.rules || []).filter(function (r) { return skip.indexOf(r.rule) < 0; }).forEach(function (r) {
      const li = document.createElement("li");
      li.setAttribute("data-rule", r.rule);
      li.appendChild(document.createTextNode(r.message));
      if (checks[r.rule]) {
        // Read with the rule: whether the password typed so far meets it.
        const state = document.createElement("span");
        state.className = "visually-hidden rule-state";
        li.appendChild(state);
      }
      list.appendChild(li);
    });
    this.check();
  }

  // check marks each rule a browser can decide as met or not yet met by
  // the password typed so far; nothing is marked while it is empty.
  check() {
    if (!this.policy) { return; }
    const pw = this.password.value;
    const email = this.email ? this.email.value : null;
    const policy = this.policy;
    this.list.querySelectorAll("li").forEach(function (li) {
      const check = checks[li.getAttribute("data-rule")];
      if (!check) { return; }
      const met = pw === "" ? null : check(pw, policy, email);
      li.classList.toggle("met", met === true);
      li.classList.remove("broken");
      li.querySelector(".rule-state").textContent = met === null ? "" : (met ? " (met)" : " (not met yet)");
    });
  }

  // markBroken marks the rules the server said the password breaks.
  markBroken(rules) {
    this.list.querySelectorAll("li").forEach(function (li) {
      const broken = rules.indexOf(li.getAttribute("data-rule")) >= 0;
      li.classList.toggle("broken", broken);
      if (broken) { li.classList.remove("met"); }
    });
  }

  // refused marks the rules a 422 password_policy answer names and returns
  // them as problems of the password field ("Password: at least 12
  // characters"), for the error summary.
  refused(res) {
    const details = errorOf(res).details || [];
    this.markBroken(details.map(function (d) { return d.rule; }));
    const field = this.password;
    return details.map(function (d) {
      return { message: labelOf(field) + ": " + d.message, field: field };
    });
  }
}
