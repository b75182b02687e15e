// The log on screen: filters, pages over the cursor API (newer pages are the cursors already seen), one letter's
// view with its timeline and what SES said, and revealing names and emails with a stated reason (owners only; the
// server audits each reveal). dashboard.js announces each campaign with a "demarche:campaign" event. An answer
// that belongs to an earlier campaign, filter or page never paints. Every value is set as text.
(function () {
  "use strict";
  var API = document.body.getAttribute("data-api");
  var KEY = "demarche.organiserToken";
  var PAGE = 20;
  var $ = function (id) { return document.getElementById(id); };
  var state = { slug: null, filters: {}, cursors: [null], page: 0, seq: 0, reason: null, opened: null, opener: null };

  function text(node, value) { node.textContent = value == null ? "" : String(value); return node; }
  function when(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }
  function words(status) { return (status || "").replace(/_/g, " "); }

  function api(path) {
    var init = { headers: { Authorization: "Bearer " + (sessionStorage.getItem(KEY) || ""), Accept: "application/json" } };
    return fetch(API + "/admin/campaigns/" + encodeURIComponent(state.slug) + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) return body;
        throw new Error((body.error && body.error.message) || body.message || response.statusText);
      });
    });
  }

  function query(extra) {
    var params = new URLSearchParams();
    Object.keys(state.filters).forEach(function (k) { if (state.filters[k]) params.set(k, state.filters[k]); });
    Object.keys(extra || {}).forEach(function (k) { if (extra[k]) params.set(k, extra[k]); });
    return params.toString();
  }

  function busy(on, message) {
    $("log").setAttribute("aria-busy", on ? "true" : "false");
    text($("log-status"), message || "");
  }

  function openButton(letter) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small link";
    text(b, "Open");
    b.setAttribute("aria-label", "Open the letter written " + when(letter.created_at) + " to " + letter.country_name);
    b.addEventListener("click", function () { openLetter(letter.letter_id, null, b); });
    return b;
  }

  function render(body) {
    var tbody = $("log").tBodies[0];
    tbody.textContent = "";
    body.letters.forEach(function (l) {
      var tr = tbody.insertRow();
      [when(l.created_at), l.country_name, words(l.status), l.supporter_name + " <" + l.supporter_email + ">",
       l.partner || ""].forEach(function (value) { text(tr.insertCell(), value); });
      tr.insertCell().appendChild(openButton(l));
    });
    if (!body.letters.length) {
      var td = tbody.insertRow().insertCell();
      td.colSpan = 6;
      td.className = "muted";
      text(td, body.next_cursor ? "None in this stretch of the log: Older letters reads on."
                                : "No letter matches these filters.");
    }
    state.cursors[state.page + 1] = body.next_cursor;
    $("log-older").disabled = !body.next_cursor;
    $("log-newer").disabled = state.page === 0;
    text($("log-page"), "Page " + (state.page + 1) + (body.revealed ? " · names and emails shown (audited)" : ""));
    busy(false, body.letters.length + " letter(s) on this page.");
  }

  function load() {
    if (!state.slug) return;
    var mine = ++state.seq;  // only the newest request may paint
    $("log-error").textContent = "";
    busy(true, "Loading letters…");
    var extra = { limit: String(PAGE), cursor: state.cursors[state.page] };
    if (state.reason) { extra.reveal = "1"; extra.reason = state.reason; }
    return api("/letters?" + query(extra)).then(function (body) {
      if (mine === state.seq) render(body);
    }, function (error) {
      if (mine !== state.seq) return;
      busy(false, "");
      text($("log-error"), "Could not load the letters: " + error.message);
    });
  }

  function go(page) { state.page = page; state.reason = null; load(); }

  function field(list, name, value) {
    text(list.appendChild(document.createElement("dt")), name);
    text(list.appendChild(document.createElement("dd")), value || "–");
  }

  function showLetter(view) {
    var l = view.letter;
    var fields = $("letter-fields");
    fields.textContent = "";
    field(fields, "Written (UTC)", when(l.created_at));
    field(fields, "Status", words(l.status) + (view.waiting.reason ? " (waiting: " + view.waiting.reason + ")" : ""));
    field(fields, "To", l.target_name + " · " + l.country_name);
    field(fields, "Supporter", l.supporter_name + " <" + l.supporter_email + ">" + (view.revealed ? " (revealed, audited)" : ""));
    field(fields, "Language", l.language);
    field(fields, "Partner", l.partner);
    field(fields, "Letter id", l.letter_id);
    var list = $("letter-timeline");
    list.textContent = "";
    view.timeline.forEach(function (step) {
      var line = when(step.at) + " · " + (step.from ? words(step.from) + " → " : "") + words(step.to);
      text(list.appendChild(document.createElement("li")), line + (step.why ? " (" + step.why + ")" : ""));
    });
    var ses = $("letter-ses");
    ses.textContent = "";
    field(ses, "Message id", view.ses.message_id);
    field(ses, "Delivered (UTC)", when(view.ses.delivered_at));
    field(ses, "Refusal or failure", view.ses.failure_reason);
  }

  function openLetter(letterId, reason, opener) {
    var mine = ++state.seq;
    state.opened = letterId;
    if (opener) state.opener = opener;
    text($("letter-error"), "");
    var q = reason ? "?" + new URLSearchParams({ reveal: "1", reason: reason }).toString() : "";
    busy(true, "Loading the letter…");
    api("/letters/" + encodeURIComponent(letterId) + q).then(function (view) {
      if (mine !== state.seq) return;
      busy(false, "");
      showLetter(view);
      $("log-panel").hidden = true;
      $("letter-panel").hidden = false;
      $("letter-reason").value = "";
      $("letter-title").focus();
    }, function (error) {
      if (mine !== state.seq) return;
      busy(false, "");
      text($("letter-panel").hidden ? $("log-error") : $("letter-error"), "Could not open the letter: " + error.message);
    });
  }

  function closeLetter() {
    state.seq++;
    $("letter-panel").hidden = true;
    $("log-panel").hidden = false;
    if (state.opener && document.body.contains(state.opener)) state.opener.focus();
  }

  document.addEventListener("demarche:campaign", function (event) {
    var changed = state.slug !== event.detail.slug;
    state.slug = event.detail.slug;
    if (changed) {  // a new campaign starts from its newest letters, unfiltered, masked
      state.filters = {};
      $("log-filters").reset();
      $("letter-panel").hidden = true;
      $("log-panel").hidden = false;
      $("log").tBodies[0].textContent = "";
      state.cursors = [null];
      state.page = 0;
      state.reason = null;
    }
    load();
  });
  $("log-filters").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    state.filters = { status: form.status.value, country: form.country.value.trim(), partner: form.partner.value.trim(),
                      from: form.from.value, to: form.to.value };
    state.cursors = [null];
    go(0);
  });
  $("log-older").addEventListener("click", function () { go(state.page + 1); });
  $("log-newer").addEventListener("click", function () { go(Math.max(0, state.page - 1)); });
  $("log-reveal").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("log-reason").value.trim();
    if (!reason) { text($("log-error"), "Say why you need the names and emails first."); $("log-reason").focus(); return; }
    state.reason = reason;
    $("log-reason").value = "";
    load();
  });
  $("letter-reveal").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("letter-reason").value.trim();
    if (!reason) { text($("letter-error"), "Say why you need this supporter's name and email first."); return; }
    openLetter(state.opened, reason, null);
  });
  $("letter-close").addEventListener("click", closeLetter);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !$("letter-panel").hidden) closeLetter();
  });
})();
