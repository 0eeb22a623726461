// The fields a new user fills in, on /sign-up and on /accept-invitation
// (the "sign-up-fields" of the pages): the password rules listed from
// GET /v1/password-policy and checked as the person types where a browser
// can tell (length, the email, the composition rules; the server stays the
// judge), three security questions from GET /v1/security-questions, and the
// problems of a refused sign-up shown beside their fields.
import { send, errorOf, fieldProblems, generalMessage, labelOf } from "./forms.js";

const QUESTIONS = 3;

function byId(id) { return document.getElementById(id); }

// localPart is the part of an address before the @, as the policy compares it.
function localPart(email) {
  return email.trim().toLowerCase().split("@")[0];
}

// checks are the rules a browser can decide, by rule name: each answers
// whether pw meets it (policy is GET /v1/password-policy's answer), or null
// when the page cannot tell (the email of an invitation is not on the page).
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

// SignUpForm drives the sign-up fields of form. problems shows what is
// wrong; email is the page's email field, or null when the address comes
// from elsewhere (an invitation).
export class SignUpForm {
  constructor(form, problems, email) {
    this.form = form;
    this.problems = problems;
    this.email = email;
    this.name = byId("name");
    this.password = byId("password");
    this.policy = null;
    const self = this;
    this.password.addEventListener("input", function () { self.checkRules(); });
    if (email) {
      email.addEventListener("input", function () { self.checkRules(); });
    }
    byId("show-password").addEventListener("change", function (ev) {
      self.password.type = ev.target.checked ? "text" : "password";
    });
  }

  question(i) { return byId("question-" + (i + 1)); }
  answer(i) { return byId("answer-" + (i + 1)); }

  // load lists the password rules and the questions; false when the API
  // could not tell them (the summary says so).
  async load() {
    const [policy, questions] = await Promise.all([send("GET", "/v1/password-policy"), send("GET", "/v1/security-questions")]);
    if (policy.status !== 200 || questions.status !== 200) {
      this.problems.show([{ message: "The page could not load the password rules or the security questions. Reload the page to try again." }]);
      return false;
    }
    this.policy = policy.data;
    const list = byId("policy");
    list.textContent = "";
    // A new user has no earlier passwords: the history rule says nothing here.
    (policy.data.rules || []).filter(function (r) { return r.rule !== "reused"; }).forEach(function (r) {
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
    for (let i = 0; i < QUESTIONS; i++) {
      const select = this.question(i);
      (questions.data.questions || []).forEach(function (q) {
        const opt = document.createElement("option");
        opt.value = q.id;
        opt.textContent = q.text;
        select.appendChild(opt);
      });
    }
    this.checkRules();
    return true;
  }

  // checkRules marks each rule a browser can decide as met or not yet met
  // by the password typed so far; nothing is marked while it is empty.
  checkRules() {
    if (!this.policy) { return; }
    const pw = this.password.value;
    const email = this.email ? this.email.value : null;
    const policy = this.policy;
    document.querySelectorAll("#policy li").forEach(function (li) {
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
    document.querySelectorAll("#policy li").forEach(function (li) {
      const broken = rules.indexOf(li.getAttribute("data-rule")) >= 0;
      li.classList.toggle("broken", broken);
      if (broken) { li.classList.remove("met"); }
    });
  }

  // collect returns the body to send ({name, password, securityAnswers},
  // plus email when the page has the field), or null after showing why it
  // cannot be sent: a question not chosen, or chosen twice.
  collect() {
    const problems = [];
    const seen = {};
    const answers = [];
    for (let i = 0; i < QUESTIONS; i++) {
      const select = this.question(i);
      const id = select.value;
      if (id === "") {
        problems.push({ message: labelOf(select) + ": choose a question", field: select });
      } else if (seen[id] !== undefined) {
        problems.push({ message: labelOf(select) + ": choose a question you have not chosen already (it is the same as question " + (seen[id] + 1) + ")", field: select });
      } else {
        seen[id] = i;
      }
      answers.push({ questionId: id, answer: this.answer(i).value });
    }
    if (problems.length > 0) {
      this.problems.show(problems);
      return null;
    }
    const body = { name: this.name.value, password: this.password.value, securityAnswers: answers };
    if (this.email) { body.email = this.email.value; }
    return body;
  }

  // fieldFor maps a field named in an error's details to its input.
  fieldFor(name) {
    if (name === "email") { return this.email; }
    if (name === "name") { return this.name; }
    if (name === "password") { return this.password; }
    const m = /^securityAnswers(?:\[(\d+)\](?:\.(questionId|answer))?)?$/.exec(name);
    if (!m) { return null; }
    const i = m[1] === undefined ? 0 : parseInt(m[1], 10);
    if (i >= QUESTIONS) { return null; }
    return m[2] === "answer" ? this.answer(i) : this.question(i);
  }

  // explain shows why the API refused the sign-up: the fields of a 400, the
  // broken rules of a 422, how long to wait after a 429, or the message.
  explain(res) {
    const self = this;
    if (res.status === 400) {
      this.markBroken([]);
      this.problems.show(fieldProblems(res, function (name) { return self.fieldFor(name); }));
      return;
    }
    if (res.status === 422 && errorOf(res).code === "password_policy") {
      const details = errorOf(res).details || [];
      this.markBroken(details.map(function (d) { return d.rule; }));
      this.problems.show(details.map(function (d) {
        return { message: labelOf(self.password) + ": " + d.message, field: self.password };
      }));
      return;
    }
    this.problems.show([{ message: generalMessage(res) }]);
  }

  // busy disables the submit button while a request is out.
  busy(on) {
    this.form.querySelector("button[type=submit]").disabled = on;
  }
}
