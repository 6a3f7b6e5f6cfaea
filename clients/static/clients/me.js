// The client's page: sends check-ins and completions to the REST API, each once.
//
// A form fill gets one Idempotency-Key, client_uuid and time when it is first sent.
// They stay in sessionStorage, with the answers, until the server has said it stored
// them: a double tap, a retry after a lost answer or a reload sends the same request
// again, and the server answers it without storing a second one.
(function () {
  "use strict";

  var FRIENDLY = {
    "emotions:empty": "Choose at least one feeling, even if it only roughly fits.",
    "emotions:required": "Choose at least one feeling, even if it only roughly fits.",
    "distress:required": "Please move this slider to where it feels right, even roughly.",
    "distress_before:required": "Please move this slider to where it felt right, even roughly.",
    "distress_after:required": "Please move this slider to where it feels right, even roughly.",
    "helpfulness:required": "Please choose one, even if you are not sure.",
  };
  var SAVED = {
    "check-in": "Thank you. Your check-in is saved.",
    "completion": "Saved. Thank you for taking this time for yourself.",
  };
  var NOT_ANSWERED = "not answered yet";

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    // randomUUID needs a secure context; a clinic on plain http inside its network has none.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function load(name) {
    try { return JSON.parse(window.sessionStorage.getItem(name) || "null"); } catch (e) { return null; }
  }
  function store(name, value) {
    try { window.sessionStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function forget(name) {
    try { window.sessionStorage.removeItem(name); } catch (e) { /* private mode */ }
  }

  // --- sliders -------------------------------------------------------------
  function describe(range) {
    var value = Number(range.value);
    if (range.dataset.signed) {
      var shown = value > 0 ? "+" + value : String(value);
      var words = value > 0 ? "toward love or longing" : value < 0 ? "toward hate" : "neutral";
      return { shown: shown, spoken: shown + ", " + words };
    }
    if (range.dataset.unit) {
      return { shown: value + range.dataset.unit, spoken: value + range.dataset.unit };
    }
    return { shown: String(value), spoken: value + " of " + range.max };
  }

  function outputOf(range) {
    return range.parentNode.querySelector("output");
  }

  function leaveOutOf(range) {
    return range.form.querySelector('[data-clears="' + range.id + '"]');
  }

  function paint(range) {
    var output = outputOf(range);
    var leaveOut = leaveOutOf(range);
    if (range.dataset.unset) {
      range.classList.add("unset");
      range.setAttribute("aria-valuetext", NOT_ANSWERED);
      if (output) { output.textContent = "–"; }
      if (leaveOut) { leaveOut.hidden = true; }
      return;
    }
    var text = describe(range);
    range.classList.remove("unset");
    range.setAttribute("aria-valuetext", text.spoken);
    if (output) { output.textContent = text.shown; }
    if (leaveOut) { leaveOut.hidden = false; }
  }

  function unset(range) {
    range.dataset.unset = "1";
    range.value = range.defaultValue;
    paint(range);
  }

  // --- what shows what -----------------------------------------------------
  function paintForm(form) {
    form.querySelectorAll("input[type=range]").forEach(paint);
    form.querySelectorAll("input[name=emotion]").forEach(function (box) {
      var strength = document.getElementById("strength-" + box.value);
      if (strength) { strength.hidden = !box.checked; }
    });
    var yes = form.querySelector("#safety-yes");
    if (yes) { showCrisis(yes.checked); }
  }

  // The crisis box shows while "yes" is chosen, and stays after a safety check-in is
  // sent, then saying so. Its words are in the page (data-sent), not here.
  function showCrisis(show, sent) {
    var box = document.getElementById("crisis");
    if (!box) { return; }
    var next = box.querySelector(".crisis-next");
    if (next) {
      if (!("before" in box.dataset)) { box.dataset.before = next.textContent; }
      next.textContent = sent ? box.dataset.sent : box.dataset.before;
    }
    box.hidden = !show;
    // Before sending, the note field says who reads it; after, the form is a new one.
    noteHint(show && !sent);
  }

  function noteHint(show) {
    var hint = document.getElementById("note-safety");
    var note = document.getElementById("note");
    if (!hint || !note) { return; }
    hint.hidden = !show;
    var ids = (note.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== hint.id;
    });
    if (show) { ids.push(hint.id); }
    note.setAttribute("aria-describedby", ids.join(" "));
  }

  // --- answers kept across a reload ----------------------------------------
  function draftName(form) { return "draft:" + form.id; }
  function sendingName(form) { return "sending:" + form.id; }

  function saveDraft(form) {
    var state = {};
    form.querySelectorAll("input[id], textarea[id]").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        state[field.id] = { checked: field.checked };
      } else if (field.type === "range") {
        state[field.id] = { value: field.value, unset: !!field.dataset.unset };
      } else if (field.type !== "hidden") {
        state[field.id] = { value: field.value };
      }
    });
    store(draftName(form), state);
  }

  function restoreDraft(form) {
    var state = load(draftName(form));
    if (!state) { return; }
    Object.keys(state).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field || field.form !== form) { return; }
      var saved = state[id];
      if ("checked" in saved) { field.checked = saved.checked; }
      if ("value" in saved) { field.value = saved.value; }
      if (field.type === "range") {
        if (saved.unset) { field.dataset.unset = "1"; } else { delete field.dataset.unset; }
      }
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
  }

  // --- the request ---------------------------------------------------------
  function sending(form) {
    var current = load(sendingName(form));
    if (!current) {
      current = { key: uuid4(), client_uuid: uuid4(), at: new Date().toISOString() };
      store(sendingName(form), current);
    }
    return current;
  }

  function answered(form, body) {
    form.querySelectorAll(".scale input[type=range]").forEach(function (range) {
      if (!range.dataset.unset) { body[range.name] = Number(range.value); }
    });
    return body;
  }

  function checkInBody(form, current) {
    var emotions = [];
    form.querySelectorAll("input[name=emotion]:checked").forEach(function (box) {
      var intensity = document.getElementById("intensity-" + box.value);
      emotions.push({ label: box.value, intensity: Number(intensity.value) });
    });
    return answered(form, {
      client_uuid: current.client_uuid,
      occurred_at: current.at,
      emotions: emotions,
      wants_to_discuss: form.querySelector("#wants-to-discuss").checked,
      safety_concern: form.querySelector("#safety-yes").checked,
      note: form.querySelector("textarea[name=note]").value,
    });
  }

  function completionBody(form, current) {
    var body = answered(form, {
      client_uuid: current.client_uuid,
      completed_at: current.at,
      reflection: form.querySelector("textarea[name=reflection]").value,
    });
    var helpful = form.querySelector("input[name=helpfulness]:checked");
    if (helpful) { body.helpfulness = Number(helpful.value); }
    return body;
  }

  // --- errors next to their fields -------------------------------------------
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (box) {
      box.textContent = "";
      box.hidden = true;
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
    });
  }

  function controlsFor(form, field) {
    var name = field === "emotions" ? "emotion" : field;
    return form.querySelectorAll('[name="' + name + '"]');
  }

  function showErrors(form, errors) {
    var first = null;
    errors.forEach(function (error) {
      var field = String(error.field || "").split(/[.[]/)[0];
      var box = field && form.querySelector('[data-error-for="' + field + '"]');
      if (!box) { box = form.querySelector('[data-error-for=""]'); field = ""; }
      var line = document.createElement("span");
      line.textContent = FRIENDLY[field + ":" + error.code] || error.message;
      box.appendChild(line);
      box.hidden = false;
      var controls = field ? controlsFor(form, field) : [];
      controls.forEach(function (control) { control.setAttribute("aria-invalid", "true"); });
      if (!first) { first = controls[0] || box; }
    });
    if (first) {
      if (first.matches("[data-error-for]")) { first.tabIndex = -1; }
      first.focus();
    }
  }

  function say(form, text) {
    form.querySelector(".status").textContent = text;
  }

  function afterSaved(form, data) {
    forget(sendingName(form));
    forget(draftName(form));
    form.reset();
    form.querySelectorAll("input[type=range]").forEach(function (range) {
      if (range.closest(".scale")) { range.dataset.unset = "1"; }
    });
    paintForm(form);
    say(form, SAVED[form.dataset.kind]);
    if (form.dataset.kind === "check-in") {
      if (data && data.crisis) { showCrisis(true, true); }
      addRecent(data);
    } else if (data && data.id) {
      exerciseDone(form, data);
    }
  }

  // --- an exercise just recorded: out of "For today", with a short-lived undo -----
  var UNDO_SECONDS = 12;

  function texts() { return document.getElementById("me").dataset; }

  function labelRecord(article) {
    var summary = article.querySelector("details.record > summary");
    if (!summary) { return; }
    summary.textContent = Number(article.dataset.doneToday || 0) > 0
      ? texts().recordAgain : texts().recordFirst;
  }

  function moveTo(article, key) {
    var from = article.closest(".exercise-group");
    var to = document.querySelector('.exercise-group[data-group="' + key + '"]');
    if (!to || to === from) { return; }
    to.hidden = false;
    to.appendChild(article);
    if (from && !from.querySelector("article")) { from.hidden = true; }
  }

  function exerciseDone(form, data) {
    var article = form.closest("article");
    var details = form.closest("details");
    if (details) { details.open = false; }
    article.dataset.doneToday = String(Number(article.dataset.doneToday || 0) + 1);
    moveTo(article, "done_today");
    labelRecord(article);
    var line = article.querySelector(".undo-line");
    line.textContent = texts().savedExercise + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link undo";
    button.textContent = texts().undo;
    line.appendChild(button);
    var expired = window.setTimeout(function () { button.remove(); }, UNDO_SECONDS * 1000);
    button.addEventListener("click", function () {
      window.clearTimeout(expired);
      button.disabled = true;
      undoCompletion(form, article, line, data);
    });
    button.focus();
  }

  function undoCompletion(form, article, line, data) {
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(form.dataset.endpoint + data.id + "/", {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    }).then(function (response) {
      if (response.status !== 204 && response.status !== 404) { throw new Error("not undone"); }
      var left = Math.max(0, Number(article.dataset.doneToday || 1) - 1);
      article.dataset.doneToday = String(left);
      if (!left) { moveTo(article, article.dataset.home); }
      labelRecord(article);
      line.textContent = texts().undone;
    }).catch(function () {
      line.textContent = texts().undoFailed;
    });
  }

  function addRecent(data) {
    var list = document.getElementById("recent-check-ins");
    if (!list || !data) { return; }
    var empty = list.querySelector(".none-yet");
    if (empty) { empty.remove(); }
    var item = document.createElement("li");
    var when = document.createElement("strong");
    // As the server writes the others: "Sat 28 Nov, 09:05" in the client's time zone.
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZone: list.dataset.zone || undefined,
    }).formatToParts(new Date(data.occurred_at)).forEach(function (part) {
      parts[part.type] = part.value;
    });
    when.textContent = parts.weekday + " " + parts.day + " " + parts.month + ", " +
      parts.hour + ":" + parts.minute;
    var emotions = document.createElement("span");
    emotions.textContent = " " + (data.emotions || []).map(function (e) {
      return e.name + " " + e.intensity;
    }).join(", ") + " ";
    var more = document.createElement("span");
    more.className = "muted";
    more.textContent = (data.distress === null ? "" : "· distress " + data.distress) +
      (data.wants_to_discuss ? " · to talk about" : "");
    item.append(when, emotions, more);
    if (data.note) {
      var note = document.createElement("p");
      note.className = "recent-note";
      note.textContent = data.note.length > 160 ? data.note.slice(0, 159) + "…" : data.note;
      item.append(note);
    }
    list.prepend(item);
  }

  function send(form) {
    if (form.dataset.busy) { return; }  // a double tap: the first request is on its way
    form.dataset.busy = "1";
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    clearErrors(form);
    say(form, "Sending…");
    var current = sending(form);
    var body = form.dataset.kind === "check-in"
      ? checkInBody(form, current) : completionBody(form, current);
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(form.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
        "Idempotency-Key": current.key,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        answer(form, response.status, data);
      });
    }, function () {
      say(form, "Your answers could not reach the clinic just now. They are still here; " +
        "please try again in a moment.");
    }).then(function () {
      delete form.dataset.busy;
      button.disabled = false;
    });
  }

  function answer(form, status, data) {
    var errors = (data && data.errors) || [];
    if (status === 200 || status === 201) {
      afterSaved(form, data);
    } else if (status === 401) {
      say(form, "");
      showErrors(form, [{ field: null, message: "You have been logged out. Please log in " +
        "again in another tab, then come back and send; your answers are kept here." }]);
    } else if (status === 422 && errors.some(function (e) { return e.code === "idempotency_key_reused"; })) {
      // What this form sent first was stored; the answers changed since. Sending
      // again stores them as a new check-in.
      forget(sendingName(form));
      say(form, "Your earlier answers from this form were saved. Press the button again to " +
        "save these ones as well.");
    } else if (status >= 400 && status < 500 && errors.length) {
      say(form, "");
      showErrors(form, errors);
    } else {
      say(form, "Something went wrong on our side. Your answers are still here; please try " +
        "again in a moment.");
    }
  }

  // --- wiring --------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.send").forEach(function (form) {
      restoreDraft(form);
      paintForm(form);
      form.addEventListener("input", function (event) {
        if (event.target.type === "range") {
          delete event.target.dataset.unset;
          paint(event.target);
        }
        saveDraft(form);
      });
      form.addEventListener("change", function (event) {
        var target = event.target;
        if (target.name === "emotion") {
          document.getElementById("strength-" + target.value).hidden = !target.checked;
        } else if (target.name === "safety_concern") {
          showCrisis(target.value === "yes");
        } else if (target.type === "range") {
          delete target.dataset.unset;
          paint(target);
        }
        saveDraft(form);
      });
      // A tap on the slider where it already stands is an answer too.
      form.addEventListener("pointerup", function (event) {
        if (event.target.type === "range" && event.target.dataset.unset) {
          delete event.target.dataset.unset;
          paint(event.target);
          saveDraft(form);
        }
      });
      form.addEventListener("click", function (event) {
        var clears = event.target.closest("[data-clears]");
        if (!clears) { return; }
        var range = document.getElementById(clears.dataset.clears);
        unset(range);
        range.focus();
        saveDraft(form);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var article = form.closest("article");
        // A second record of the same exercise on the same day is possible, but asked first.
        if (form.dataset.kind === "completion" && article &&
            Number(article.dataset.doneToday || 0) > 0 && !form.dataset.busy &&
            !window.confirm(texts().again)) {
          return;
        }
        send(form);
      });
    });
  });
})();
