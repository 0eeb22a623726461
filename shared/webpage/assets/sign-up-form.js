// The fields a new user fills in, on /sign-up and on /accept-invitation
// (the "sign-up-fields" of the pages): the password with its rules listed
// and checked as the person types (password-rules.js), three security
// questions from GET /v1/security-questions, and the problems of a refused
// sign-up shown beside their fields.
import { send, errorOf, fieldProblems, generalMessage, labelOf } from "./forms.js";
import { PasswordRules } from "./password-rules.js";

const QUESTIONS = 3;

function byId(id) { return document.getElementById(id); }

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
    this.rules = new PasswordRules(byId("policy"), this.password, email);
    const self = this;
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
    for (let i = 0; i < QUESTIONS; i++) {
      const select = this.question(i);
      (questions.data.questions || []).forEach(function (q) {
        const opt = document.createElement("option");
        opt.value = q.id;
        opt.textContent = q.text;
        select.appendChild(opt);
      });
    }
    // A new user has no earlier passwords: the history rule says nothing here.
    this.rules.show(policy.data, ["reused"]);
    return true;
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
      this.rules.markBroken([]);
      this.problems.show(fieldProblems(res, function (name) { return self.fieldFor(name); }));
      return;
    }
    if (res.status === 422 && errorOf(res).code === "password_policy") {
      this.problems.show(this.rules.refused(res));
      return;
    }
    this.problems.show([{ message: generalMessage(res) }]);
  }

  // busy disables the submit button while a request is out.
  busy(on) {
    this.form.querySelector("button[type=submit]").disabled = on;
  }
}
