// What the portal's form pages share: calling the JSON API of the same
// origin, and showing problems as the GOV.UK and U.S. design systems do — an
// error summary at the top of the form whose items link to the fields, and
// the same message beside each field, tied to it by aria-describedby.
// Everything goes into the page as text, never as HTML.

// send calls the API and returns {status, data, retryAfter}; status 0 means
// the portal could not be reached. No Referer leaves with the request.
export async function send(method, url, body) {
  const init = { method: method, credentials: "same-origin", referrerPolicy: "no-referrer", cache: "no-store", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    return { status: 0, data: {}, retryAfter: null };
  }
  let data = {};
  if (res.status !== 204) {
    try { data = await res.json(); } catch (e) { data = {}; }
  }
  return { status: res.status, data: data || {}, retryAfter: res.headers.get("Retry-After") };
}

// errorOf is the {code, message, details} of an error answer.
export function errorOf(res) {
  return (res.data && res.data.error) || {};
}

// generalMessage is what to say about an answer no field explains: the
// portal unreachable, a rate limit, a data freeze, or the error's message.
export function generalMessage(res) {
  if (res.status === 0) {
    return "The portal could not be reached. Check your connection and try again.";
  }
  if (res.status === 429) {
    const s = parseInt(res.retryAfter || "", 10);
    const wait = s > 0 ? (s < 120 ? s + " seconds" : Math.ceil(s / 60) + " minutes") : "a minute";
    return "Too many tries from your network. Wait " + wait + ", then try again.";
  }
  const err = errorOf(res);
  if (err.message) {
    return err.message.charAt(0).toUpperCase() + err.message.slice(1) + ".";
  }
  return "Something went wrong on our side. Please try again.";
}

// labelOf is the text of the label of a field.
export function labelOf(field) {
  const label = field.labels && field.labels[0];
  return label ? label.textContent.trim() : field.name;
}

// Problems shows and clears the problems of one form: summary is the error
// summary (role=alert, tabindex=-1, holding a <ul>); a field's message goes
// into the element whose id is the field's id + "-error".
export class Problems {
  constructor(summary) {
    this.summary = summary;
    this.marked = [];
  }

  // clear removes every message.
  clear() {
    this.summary.hidden = true;
    this.summary.querySelector("ul").textContent = "";
    this.marked.forEach(function (field) {
      const box = document.getElementById(field.id + "-error");
      box.textContent = "";
      box.hidden = true;
      field.removeAttribute("aria-invalid");
      const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== box.id; });
      if (ids.length > 0) { field.setAttribute("aria-describedby", ids.join(" ")); } else { field.removeAttribute("aria-describedby"); }
    });
    this.marked = [];
  }

  // show lists problems, each {message, field?, link?: {href, text}}, in the
  // summary (a field's item links to it) and beside their fields, then moves
  // focus to the summary so that it is read out.
  show(problems) {
    this.clear();
    const list = this.summary.querySelector("ul");
    const self = this;
    problems.forEach(function (p) {
      const li = document.createElement("li");
      if (p.field) {
        const a = document.createElement("a");
        a.href = "#" + p.field.id;
        a.textContent = p.message;
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          p.field.focus();
          p.field.scrollIntoView({ block: "center" });
        });
        li.appendChild(a);
        self.mark(p.field, p.message);
      } else {
        li.appendChild(document.createTextNode(p.message));
      }
      if (p.link) {
        li.appendChild(document.createTextNode(" "));
        const a = document.createElement("a");
        a.href = p.link.href;
        a.textContent = p.link.text;
        li.appendChild(a);
      }
      list.appendChild(li);
    });
    this.summary.hidden = false;
    this.summary.focus();
  }

  // mark puts message beside field (a field gets its first message only).
  mark(field, message) {
    if (this.marked.indexOf(field) >= 0) { return; }
    const box = document.getElementById(field.id + "-error");
    const prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = "Error: ";
    box.textContent = "";
    box.appendChild(prefix);
    box.appendChild(document.createTextNode(message));
    box.hidden = false;
    field.setAttribute("aria-invalid", "true");
    const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    ids.unshift(box.id);
    field.setAttribute("aria-describedby", ids.join(" "));
    this.marked.push(field);
  }
}

// fieldProblems turns a 400's details into problems, with fieldFor mapping
// a detail's field name to its input (or null): "Full name is required".
export function fieldProblems(res, fieldFor) {
  const details = errorOf(res).details || [];
  if (details.length === 0) {
    return [{ message: generalMessage(res) }];
  }
  return details.map(function (d) {
    const field = fieldFor(d.field || "");
    return field ? { message: labelOf(field) + " " + d.message, field: field } : { message: d.message };
  });
}

// emailRequest makes form, whose one field is email, post it to path: the
// API's 202 message replaces the form in the element #sent, a 400 marks the
// field, anything else is shown in the summary. Asking for a reset link and
// for a new confirmation link read the same either way.
export function emailRequest(form, email, summary, path) {
  const problems = new Problems(summary);
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    problems.clear();
    button.disabled = true;
    try {
      const res = await send("POST", path, { email: email.value });
      if (res.status === 202) {
        form.hidden = true;
        const sent = document.getElementById("sent");
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
