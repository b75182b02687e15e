// "Addresses to know about": where each state's letter goes (from /targets), and the form with which an editor or
// owner corrects, adds or clears a target's address (PUT/DELETE /targets/{set}/{country}). dashboard.js announces
// each campaign it loads with a "demarche:campaign" event. An error the API names a field for is shown next to that
// field, which takes the focus. Every value is set as text.
(function () {
  "use strict";
  var API = document.body.getAttribute("data-api");
  var KEY = "demarche.organiserToken";
  var FIELDS = ["country", "target_set", "email", "address_kind", "source", "note"];
  var $ = function (id) { return document.getElementById(id); };
  var state = { slug: null, seq: 0, states: [] };

  function text(node, value) { node.textContent = value == null ? "" : String(value); return node; }

  function api(path, method, body) {
    var headers = { Authorization: "Bearer " + (sessionStorage.getItem(KEY) || ""), Accept: "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    var init = { method: method || "GET", headers: headers, body: body ? JSON.stringify(body) : undefined };
    return fetch(API + "/admin/campaigns/" + encodeURIComponent(state.slug) + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) return answer;
        var error = answer.error || {};
        throw { field: error.field, message: error.message || answer.message || response.statusText };
      });
    });
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    text(o, label);
    select.appendChild(o);
  }

  function worthALook(s) {
    return !s.answered_by || s.address_origin === "override" || (s.address_kind && s.address_kind !== "general");
  }

  function render(body) {
    var tbody = $("addresses").tBodies[0];
    tbody.textContent = "";
    state.states = body.states;
    var rows = body.states.filter(worthALook);
    if (!rows.length) {
      var td = tbody.insertRow().insertCell();
      td.colSpan = 5;
      td.className = "muted";
      text(td, body.fixed_target ? "A fixed target: " + body.fixed_target + "." : "None.");
    }
    rows.forEach(function (s) {
      var tr = tbody.insertRow();
      [s.name, s.answered_by || "nobody (website or form only)", s.address_kind || "", s.address_origin || ""]
        .forEach(function (value) { text(tr.insertCell(), value); });
      var b = document.createElement("button");
      b.type = "button";
      b.className = "small link";
      b.setAttribute("data-needs", "act");
      b.setAttribute("aria-label", "Correct the address for " + s.name);
      text(b, "Correct");
      b.addEventListener("click", function () { pick(s.country, s.answered_by || body.chain[0]); $("fix-email").focus(); });
      tr.insertCell().appendChild(b);
    });
    $("fix").hidden = !body.chain.length;
    var country = $("fix-country");
    if (!country.options.length && body.chain.length) {  // a new campaign: its states and chain (a refresh keeps the form)
      body.states.forEach(function (s) { option(country, s.country, s.name); });
      body.chain.forEach(function (set) { option($("fix-target_set"), set, set); });
      pick(body.states[0].country, body.chain[0]);
    }
    $("fix-clear").disabled = !corrected();
  }

  function chosen() {
    var s = state.states.filter(function (x) { return x.country === $("fix-country").value; })[0];
    return s && s.targets.filter(function (x) { return x.target_set === $("fix-target_set").value; })[0];
  }

  function corrected() { var t = chosen(); return !!(t && t.address_origin === "override"); }

  // The chosen target's address as letters see it now fills the form.
  function pick(country, set) {
    $("fix-country").value = country;
    if (set) $("fix-target_set").value = set;
    var t = chosen();
    $("fix-email").value = (t && t.email) || "";
    $("fix-address_kind").value = (t && t.address_kind) || "general";
    $("fix-source").value = (t && t.source) || "";
    $("fix-note").value = "";
    $("fix-clear").disabled = !corrected();
    showError(null);
  }

  function showError(problem) {
    FIELDS.forEach(function (name) {
      var mine = problem && problem.field === name;
      text($("fix-" + name + "-error"), mine ? problem.message : "");
      $("fix-" + name).setAttribute("aria-invalid", mine ? "true" : "false");
    });
    var named = problem && FIELDS.indexOf(problem.field) >= 0;
    text($("fix-error"), problem && !named ? problem.message : "");
    if (problem) (named ? $("fix-" + problem.field) : $("fix-status")).focus();
  }

  function target() {
    return "/targets/" + encodeURIComponent($("fix-target_set").value) + "/" + encodeURIComponent($("fix-country").value);
  }

  function done(verb) {
    return function (answer) {
      var c = answer.changed;
      text($("fix-status"), c
        ? verb + ": " + c.target_set + " " + c.country + " now goes to " + ((c.new && c.new.email) || "the shared address") +
          ". New letters use it within " + answer.in_effect_within_seconds + " seconds."
        : "There was no correction to clear.");
      load();
    };
  }

  function failed(problem) { text($("fix-status"), ""); showError(problem); }

  function load() {
    var mine = ++state.seq, slug = state.slug;
    api("/targets").then(function (body) {
      if (mine === state.seq && slug === state.slug) render(body);
    }, function () { /* dashboard.js reports a token or network problem */ });
  }

  $("fix").addEventListener("submit", function (event) {
    event.preventDefault();
    showError(null);
    text($("fix-status"), "Saving…");
    var body = {};
    ["email", "address_kind", "source", "note"].forEach(function (name) { body[name] = $("fix-" + name).value.trim(); });
    api(target(), "PUT", body).then(done("Saved"), failed);
  });
  $("fix-clear").addEventListener("click", function () {
    showError(null);
    text($("fix-status"), "Clearing…");
    var note = $("fix-note").value.trim();
    api(target() + (note ? "?note=" + encodeURIComponent(note) : ""), "DELETE").then(done("Cleared"), failed);
  });
  ["fix-country", "fix-target_set"].forEach(function (id) {
    $(id).addEventListener("change", function () { pick($("fix-country").value, $("fix-target_set").value); });
  });
  document.addEventListener("demarche:campaign", function (event) {
    if (event.detail.slug !== state.slug) {
      $("fix-country").textContent = "";
      $("fix-target_set").textContent = "";
      text($("fix-status"), "");
    }
    state.slug = event.detail.slug;
    load();
  });
}());
