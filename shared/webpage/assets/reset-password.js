// The page the reset email links to: read the token once and take it out of
// the address bar, ask the user's three security questions
// (GET /v1/password-resets/{token}) and a new password, its rules
// (GET /v1/password-policy) checked as it is typed, then send them to
// POST /v1/password-resets/{token}. A link that no longer works (unknown,
// used, superseded, burnt or expired: 410) offers to send a new one.
import { send, Problems, errorOf, generalMessage, labelOf } from "./forms.js";
import { PasswordRules } from "./password-rules.js";
import { askForLink } from "./reset-request.js";

function byId(id) { return document.getElementById(id); }

const token = new URLSearchParams(window.location.search).get("token");
if (token !== null) {
  // The token must not linger in the address bar, history or bookmarks.
  window.history.replaceState(null, "", window.location.pathname);
}
const link = "/v1/password-resets/" + encodeURIComponent(token || "");

const form = byId("reset-form");
const problems = new Problems(byId("error-summary"));
const answers = [byId("answer-1"), byId("answer-2"), byId("answer-3")];
const password = byId("new-password");
const again = byId("confirm-password");
// The page does not know the user's email: that rule is left to the server.
const rules = new PasswordRules(byId("policy"), password, null);

// show leaves only the part with this id visible, titles the page after
// it, and moves the focus to its heading.
function show(id, title, heading) {
  ["loading", "load-error", "reset-form", "done", "expired"].forEach(function (s) { byId(s).hidden = s !== id; });
  document.title = title + " · Partner Portal";
  if (heading) { byId(heading).focus(); }
}

function expired() {
  show("expired", "This link no longer works", "expired-heading");
}

// load asks the link's questions and the password rules.
async function load() {
  if (!token) {
    expired();
    return;
  }
  const [questions, policy] = await Promise.all([send("GET", link), send("GET", "/v1/password-policy")]);
  if (questions.status === 410) {
    expired();
    return;
  }
  if (questions.status !== 200 || policy.status !== 200) {
    const failed = questions.status !== 200 ? questions : policy;
    byId("load-error").textContent = generalMessage(failed) + " Reload the page to try again.";
    show("load-error", "Choose a new password", "load-error");
    return;
  }
  (questions.data.questions || []).slice(0, answers.length).forEach(function (q, i) {
    answers[i].setAttribute("data-question", q.id);
    answers[i].labels[0].textContent = q.text;
  });
  rules.show(policy.data, []);
  show("reset-form", "Choose a new password", null);
}

// answerProblems are the problems of a 400: each named field beside it.
function answerProblems(res) {
  const details = errorOf(res).details || [];
  if (details.length === 0) {
    return [{ message: generalMessage(res) }];
  }
  return details.map(function (d) {
    const m = /^answers\[(\d+)\]\.answer$/.exec(d.field || "");
    const answer = m ? answers[parseInt(m[1], 10)] : null;
    if (answer) {
      return { message: "Your answer to \u201c" + labelOf(answer) + "\u201d " + d.message, field: answer };
    }
    if (d.field === "newPassword") {
      return { message: labelOf(password) + " " + d.message, field: password };
    }
    return { message: d.message };
  });
}

// explain shows why the API refused the new password.
function explain(res) {
  if (res.status === 422 && errorOf(res).code === "password_policy") {
    problems.show(rules.refused(res));
    return;
  }
  rules.markBroken([]);
  if (res.status === 403 && errorOf(res).code === "answers_incorrect") {
    problems.show([{ message: "One or more answers are not right. After three wrong tries the link stops working." }]);
  } else if (res.status === 400) {
    problems.show(answerProblems(res));
  } else {
    problems.show([{ message: generalMessage(res) }]);
  }
}

form.addEventListener("submit", async function (ev) {
  ev.preventDefault();
  problems.clear();
  if (password.value !== again.value) {
    rules.markBroken([]);
    problems.show([{ message: "The two new passwords are not the same.", field: again }]);
    return;
  }
  const body = {
    answers: answers.map(function (a) { return { questionId: a.getAttribute("data-question"), answer: a.value }; }),
    newPassword: password.value
  };
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const res = await send("POST", link, body);
    if (res.status === 204) {
      password.value = "";
      again.value = "";
      show("done", "Your password is changed", "done-heading");
    } else if (res.status === 410) {
      expired();
    } else {
      explain(res);
    }
  } finally {
    button.disabled = false;
  }
});

askForLink();
load();
