// The campaign editor: loads a campaign's draft with the organiser's token (the dashboard's, from sessionStorage),
// shows every field of campaign.toml as a form, saves it, previews it, checks it, test-sends and publishes it.
// Every value from the server is set as text or as a form value, never as HTML.
(function () {
  "use strict";
  var API = document.body.getAttribute("data-api");
  var KEY = "demarche.organiserToken";
  var $ = function (id) { return document.getElementById(id); };
  var state = { slug: document.body.getAttribute("data-slug"), revision: 0, live: 0, document: null };

  function token() { return sessionStorage.getItem(KEY) || ""; }

  function call(method, path, body) {
    var init = { method: method, headers: { Authorization: "Bearer " + token(), Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(API + "/admin/campaigns/" + encodeURIComponent(state.slug) + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) { sessionStorage.removeItem(KEY); signIn("This token was not accepted."); }
        if (!response.ok) { var e = (data && data.error) || {}; e.status = response.status; throw e; }
        return data;
      });
    });
  }

  function signIn(message) {
    $("editor").hidden = true;
    $("sign-in").hidden = false;
    $("token-error").textContent = message || "";
    $("token").focus();
  }

  // --- the form and the document ---------------------------------------------------------------------------

  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }

  function put(obj, path, value) {
    var keys = path.split("."), last = keys.pop();
    var parent = keys.reduce(function (o, k) { if (typeof o[k] !== "object" || o[k] === null) o[k] = {}; return o[k]; }, obj);
    if (value === undefined) delete parent[last]; else parent[last] = value;
  }

  function fields() { return Array.prototype.slice.call(document.querySelectorAll("#campaign-form [data-kind]")); }

  function chain(campaign) {
    // The older target_set / fallback_target_set pair is shown, and saved, as the target_sets chain.
    if (Array.isArray(campaign.target_sets)) return campaign.target_sets;
    return [campaign.target_set, campaign.fallback_target_set].filter(Boolean);
  }

  function fill(doc) {
    state.document = JSON.parse(JSON.stringify(doc));
    var campaign = doc.campaign || {};
    var view = JSON.parse(JSON.stringify(doc));
    view.campaign.target_sets = chain(campaign);
    fields().forEach(function (el) {
      var value = get(view, el.getAttribute("data-path")), kind = el.getAttribute("data-kind");
      if (kind === "list") el.value = Array.isArray(value) ? value.join("\n") : "";
      else if (kind === "yesno") el.value = value === true ? "yes" : value === false ? "no" : "";
      else el.value = value === undefined || value === null ? "" : String(value);
    });
    var languages = campaign.languages || [];
    document.querySelectorAll("#languages input").forEach(function (box) { box.checked = languages.indexOf(box.value) >= 0; });
    showLanguages();
  }

  function read() {
    var doc = JSON.parse(JSON.stringify(state.document || { campaign: {}, letters: {} }));
    doc.campaign = doc.campaign || {};
    doc.letters = {};
    delete doc.campaign.target_set;
    delete doc.campaign.fallback_target_set;
    var languages = checkedLanguages();
    doc.campaign.languages = languages;
    fields().forEach(function (el) {
      var path = el.getAttribute("data-path"), kind = el.getAttribute("data-kind"), raw = el.value, value;
      var box = el.closest(".per-language");
      if (box && languages.indexOf(box.getAttribute("data-language")) < 0) { put(doc, path, undefined); return; }
      if (kind === "list") value = raw.split(/\n|,/).map(function (s) { return s.trim(); }).filter(Boolean);
      else if (kind === "yesno") value = raw === "yes" ? true : raw === "no" ? false : undefined;
      else if (kind === "number") value = raw.trim() === "" ? undefined : (/^-?\d+$/.test(raw.trim()) ? parseInt(raw, 10) : raw);
      else if (kind === "letter" || kind === "textarea") value = raw;
      else value = raw.trim();
      if (value === "" && kind !== "letter" && !box) value = undefined;
      if (kind === "list" && !value.length && path !== "campaign.target_sets") value = undefined;
      put(doc, path, value);
    });
    var sets = doc.campaign.target_sets || [];
    if (sets.length === 1 && sets[0] === "fixed") { delete doc.campaign.target_sets; doc.campaign.target_set = "fixed"; }
    var next = doc.campaign.next_step;  // per language, so kept even when empty: no text in any language is none
    if (next && typeof next === "object") {
      var texts = next.text || {};
      if (!Object.keys(texts).some(function (k) { return String(texts[k]).trim(); })) delete next.text;
    }
    ["next_step", "fixed_target", "delivery", "confirmation", "limits", "bots", "privacy", "follow_up", "sign_on", "letter"].forEach(function (table) {
      var t = doc.campaign[table];
      if (t && typeof t === "object" && !Object.keys(t).length) delete doc.campaign[table];
    });
    return doc;
  }

  function checkedLanguages() {
    return Array.prototype.slice.call(document.querySelectorAll("#languages input:checked")).map(function (b) { return b.value; });
  }

  function showLanguages() {
    var languages = checkedLanguages();
    document.querySelectorAll(".per-language").forEach(function (box) {
      box.hidden = languages.indexOf(box.getAttribute("data-language")) < 0;
    });
    var select = $("preview-language"), kept = select.value;
    select.textContent = "";
    languages.forEach(function (code) {
      var option = document.createElement("option");
      option.value = code; option.textContent = code;
      select.appendChild(option);
    });
    if (languages.indexOf(kept) >= 0) select.value = kept;
  }

  // --- errors, naming the field ----------------------------------------------------------------------------

  function clearErrors() {
    document.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    document.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    $("error-summary").hidden = true;
    $("error-list").textContent = "";
    $("problems").textContent = "";
  }

  function inputFor(field) {
    if (field === "slug") return $("slug");
    if (field === "languages") return document.querySelector("#languages input");
    var path = field.replace(/\[\d+\]$/, "");
    if (path === "target_set" || path === "fallback_target_set") path = "target_sets";
    var full = path.indexOf("letters.") === 0 ? path : "campaign." + path;
    return document.querySelector('[data-path="' + full + '"]');
  }

  function showError(error) {
    var message = error.message || "Something went wrong (" + (error.status || "network") + ").";
    var el = error.field ? inputFor(error.field) : null;
    var item = document.createElement("li");
    if (el) {
      el.setAttribute("aria-invalid", "true");
      var own = $(el.id + "-error") || $("languages-error");
      if (own) own.textContent = message;
      var link = document.createElement("a");
      link.href = "#" + el.id;
      link.textContent = message;
      link.addEventListener("click", function (event) { event.preventDefault(); el.focus(); });
      item.appendChild(link);
    } else {
      item.textContent = message;
    }
    $("error-list").appendChild(item);
    $("error-summary").hidden = false;
    $("error-summary").focus();
    (error.problems || []).forEach(function (problem) {
      var li = document.createElement("li");
      li.textContent = problem;
      $("problems").appendChild(li);
    });
  }

  function status(message) { $("action-status").textContent = message; }

  // --- what the server says ---------------------------------------------------------------------------------

  function show(view) {
    state.revision = view.revision;
    state.live = view.live_version;
    fill(view.document);
    var draft = view.draft ? "draft " + view.draft.revision + " saved " + view.draft.updated_at + " by " + view.draft.updated_by : "no draft yet";
    $("state").textContent = "Live version: " + (view.live_version || "none") + " (" + view.source + "); " + draft + ".";
    var body = $("history").querySelector("tbody");
    body.textContent = "";
    (view.history || []).forEach(function (change) {
      var row = document.createElement("tr");
      [change.at, change.action + (change.version ? " v" + change.version : ""), change.actor, (change.changed || []).join(", ")]
        .forEach(function (text) { var td = document.createElement("td"); td.textContent = text; row.appendChild(td); });
      body.appendChild(row);
    });
  }

  function start() {
    $("sign-in").hidden = true;
    $("editor").hidden = false;
    if (!state.slug) { fill(JSON.parse($("starter").textContent)); $("state").textContent = "A new campaign: nothing saved yet."; return; }
    call("GET", "/editor").then(show).catch(function (error) { if (error.status !== 401) showError(error); });
  }

  function needsSlug() {
    if (state.slug) return false;
    var slug = $("slug").value.trim();
    if (!slug) { clearErrors(); showError({ field: "slug", message: "slug: give the campaign a short name first." }); return true; }
    state.slug = slug;
    return false;
  }

  $("campaign-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!state.slug && needsSlug()) return;
    clearErrors();
    status("Saving…");
    call("PUT", "/draft", { document: read(), revision: state.revision }).then(function (view) {
      show(view);
      status("Draft saved (revision " + view.revision + ").");
      if (!document.body.getAttribute("data-slug")) {
        document.body.setAttribute("data-slug", state.slug);
        $("slug-box").hidden = true;
        $("title").textContent = "Edit campaign " + state.slug;
        history.replaceState(null, "", API + "/admin/campaigns/" + encodeURIComponent(state.slug) + "/edit");
      }
    }).catch(function (error) {
      if (!document.body.getAttribute("data-slug")) state.slug = "";
      status("");
      showError(error);
    });
  });

  function action(button, run) {
    $(button).addEventListener("click", function () {
      if (!document.body.getAttribute("data-slug")) { clearErrors(); showError({ message: "Save the draft first." }); return; }
      clearErrors();
      run().catch(function (error) { status(""); showError(error); });
    });
  }

  action("preview", function () {
    var country = $("preview-country").value, language = $("preview-language").value;
    status("Rendering the preview…");
    return call("GET", "/draft/preview?country=" + encodeURIComponent(country) + "&language=" + encodeURIComponent(language))
      .then(function (p) {
        $("preview-box").hidden = false;
        $("preview-title").textContent = "Preview for " + p.country.name + " (" + p.letter.language + ")";
        $("preview-to").textContent = p.target.name + (p.target.addressee ? " (" + p.target.addressee + ")" : "");
        $("preview-subject").textContent = p.letter.subject;
        $("preview-body").textContent = p.letter.body;
        status("Preview for " + p.country.name + " shown below.");
      });
  });

  action("test-send", function () {
    status("Sending a test…");
    return call("POST", "/draft/test-send", { country: $("preview-country").value, language: $("preview-language").value })
      .then(function (sent) { status("A test letter for " + sent.country + " went to " + sent.sent_to + "."); });
  });

  action("lint", function () {
    status("Checking every language in every country…");
    return call("POST", "/draft/lint").then(function (result) {
      if (result.ok) status("The letter renders in " + result.languages.join(", ") + " for all " + result.countries + " countries.");
      else showError({ message: result.problems.length + " problems: nothing is published until they are fixed.", problems: result.problems });
    });
  });

  action("publish", function () {
    status("Checking and publishing…");
    return call("POST", "/publish", { live_version: state.live }).then(function (view) {
      show(view);
      status("Published: version " + view.published_version + " is live.");
    });
  });

  action("close", function () {
    if (!window.confirm("Close " + state.slug + "? Supporters can no longer write from today.")) return Promise.resolve();
    status("Closing…");
    return call("POST", "/close").then(function (view) { show(view); status("Closed: version " + view.live_version + " is live."); });
  });

  $("languages").addEventListener("change", showLanguages);
  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) { signIn("Paste your organiser token first."); return; }
    sessionStorage.setItem(KEY, value);
    $("token").value = "";
    start();
  });

  if (token()) start(); else signIn("");
})();
