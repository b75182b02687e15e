// The organiser dashboard: signs in by email (a one-time link whose secret arrives after "#sign-in=", exchanged
// for a session token) or with a pasted organiser token; keeps the token for this browser tab (sessionStorage),
// fetches the campaign's numbers from the JSON API with it, and fills the page. Charts arrive as SVG drawn by the server; every other value is
// set as text, never as HTML.
(function () {
  "use strict";
  var API = document.body.getAttribute("data-api");
  var KEY = "demarche.organiserToken";
  var WHO = "demarche.organiserWho";
  var LINK = "#sign-in=";
  var REFRESH_MS = 60000;
  var $ = function (id) { return document.getElementById(id); };
  var TOP = 20;  // countries shown before "Show all": a 193-row table must not push the panels below out of reach
  var state = { slug: null, countries: [], sort: { key: "total", dir: -1 }, timer: null, campaigns: {},
                seq: 0, shown: null, allCountries: false, exportSeq: 0 };

  function token() { return sessionStorage.getItem(KEY) || ""; }

  function Problem(status, message) { this.status = status; this.message = message; }

  function api(path, options) {
    var init = Object.assign({ headers: { Authorization: "Bearer " + token(), Accept: "application/json" } }, options);
    return fetch(API + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) return body;
        var message = (body.error && body.error.message) || body.message || body.Message || response.statusText;
        throw new Problem(response.status, message);
      });
    });
  }

  function signIn(message, field) {
    clearInterval(state.timer);
    $("dashboard").hidden = true;
    $("sign-out").hidden = true;
    text($("who"), "");
    $("sign-in").hidden = false;
    field = field || "token";
    ["token", "email"].forEach(function (name) {
      var mine = name === field && message;
      $(name + "-error").textContent = mine ? message : "";
      $(name).setAttribute("aria-invalid", mine ? "true" : "false");
    });
    $(message ? field : "email").focus();
  }

  function forget() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(WHO); }

  function failed(problem) {
    if (problem.status === 401) {
      var session = token().indexOf("dms_") === 0;
      forget();
      if (session) signIn("You are signed out: " + (problem.message || "your session ended") + ".", "email");
      else signIn("This token was not accepted: it may be mistyped, revoked or expired.");
    } else if (problem.status === 403) {
      $("load-error").textContent = "Your token does not cover this campaign.";
    } else {
      $("load-error").textContent = "Could not load the numbers: " + (problem.message || problem) + ". Try Refresh.";
    }
  }

  function text(node, value) { node.textContent = value == null ? "" : String(value); return node; }

  function cell(row, value, numeric) {
    var td = row.insertCell();
    if (value instanceof Node) td.appendChild(value); else text(td, value);
    if (numeric) td.className = "n";
    return td;
  }

  function fill(tbody, rows, empty, columns) {
    tbody.textContent = "";
    if (!rows.length) {
      var td = tbody.insertRow().insertCell();
      td.colSpan = columns;
      td.className = "muted";
      text(td, empty);
    }
    rows.forEach(function (values) {
      var tr = tbody.insertRow();
      values.forEach(function (value) { cell(tr, value, typeof value === "number"); });
    });
  }

  function count(byStatus, names) {
    return names.reduce(function (sum, name) { return sum + (byStatus[name] || 0); }, 0);
  }
  var WAITING = ["pending_confirmation", "queued", "sending", "awaiting_digest"];
  var PROBLEMS = ["bounced", "complained", "failed"];

  function renderCountries() {
    var key = state.sort.key, dir = state.sort.dir;
    var rows = state.countries.slice().sort(function (a, b) {
      var x = a[key], y = b[key];
      var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return order * dir || a.name.localeCompare(b.name);
    });
    var more = rows.length > TOP;
    fill($("countries").tBodies[0], (more && !state.allCountries ? rows.slice(0, TOP) : rows).map(function (c) {
      return [c.name, c.total, c.delivered, c.sent, c.waiting, c.problems];
    }), "No letters yet.", 6);
    $("all-countries").hidden = !more;
    text($("all-countries"), state.allCountries ? "Show the top " + TOP + " countries" : "Show all " + rows.length + " countries");
    $("all-countries").setAttribute("aria-expanded", state.allCountries ? "true" : "false");
    Array.prototype.forEach.call($("countries").tHead.rows[0].cells, function (th) {
      if (th.getAttribute("data-key") === key) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function clear(message) {  // another campaign's numbers must never show under this one's name
    document.querySelectorAll("#totals dd").forEach(function (dd) { text(dd, "–"); });
    $("daily-chart").textContent = "";
    $("country-chart").textContent = "";
    state.countries = [];
    ["countries", "partners", "failing"].forEach(function (id) {
      fill($(id).tBodies[0], [], message, $(id).tHead.rows[0].cells.length);
    });
    $("all-countries").hidden = true;
    text($("partner-link"), "");
  }

  function render(data) {
    var stats = data.stats;
    text(document.querySelector('#totals [data-status="total"]'), stats.total);
    Object.keys(stats.by_status).forEach(function (status) {
      var dd = document.querySelector('#totals [data-status="' + status + '"]');
      if (dd) text(dd, stats.by_status[status]);
    });
    $("daily-chart").innerHTML = data.charts.daily;  // server-drawn SVG, every value escaped there
    $("country-chart").innerHTML = data.charts.countries;
    state.countries = stats.by_country.map(function (c) {
      var s = c.by_status;
      return { name: c.name, code: c.country, total: c.total, delivered: s.delivered || 0,
               sent: (s.sent || 0) + (s.delayed || 0),  // sent, delivery still being tried
               waiting: count(s, WAITING), problems: count(s, PROBLEMS) };
    });
    renderCountries();
    var acts = (state.campaigns[state.slug] || { rights: [] }).rights.indexOf("act") >= 0;
    fill($("partners").tBodies[0], stats.by_partner.map(function (p) {
      return [p.partner || "(no partner)", p.total, p.by_status.delivered || 0, count(p.by_status, PROBLEMS),
              p.partner && acts ? partnerLinkButton(p.partner) : ""];
    }), "No letters yet.", 5);
    fill($("failing").tBodies[0], stats.failing_targets.map(function (f) {
      return [f.name, f.target_set, f.since.slice(0, 10), f.diagnostic];
    }), "None: every target with letters is reachable.", 4);
    text($("updated"), "Updated " + new Date().toLocaleTimeString() + ".");
  }

  function partnerLinkButton(code) {  // the partner's own read-only results page, to hand to them
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small link";
    text(b, "Results link");
    b.setAttribute("aria-label", "Results link for " + code);
    b.addEventListener("click", function () {
      var slug = state.slug;
      api("/admin/campaigns/" + encodeURIComponent(slug) + "/partners/" + encodeURIComponent(code) + "/link")
        .then(function (body) {
          if (slug !== state.slug) return;
          var out = $("partner-link");
          out.textContent = "";
          out.appendChild(document.createTextNode("Send " + code + " this link to its results (no personal data): "));
          var a = document.createElement("a");
          a.href = body.url;
          text(a, body.url);
          out.appendChild(a);
        }, function (problem) { text($("partner-link"), "No link: " + problem.message); });
    });
    return b;
  }

  function title(slug) { var c = state.campaigns[slug]; return c ? c.title : slug; }

  function load() {
    if (!state.slug) return;
    var slug = state.slug, mine = ++state.seq;  // answers can arrive out of order: only the newest may paint
    $("load-error").textContent = "";
    $("dashboard").setAttribute("aria-busy", "true");
    text($("updated"), "Loading " + title(slug) + "…");
    if (state.shown !== slug) {  // a new campaign: nothing of the previous one stays, and nothing to export yet
      state.shown = null;
      state.allCountries = false;
      state.exportSeq++;
      $("export").disabled = true;
      text($("export-status"), "");
      clear("Loading…");
    }
    // outcomes.js, letter_log.js and addresses.js fill their panels for the same campaign
    document.dispatchEvent(new CustomEvent("demarche:campaign", { detail: { slug: slug } }));
    return api("/admin/campaigns/" + encodeURIComponent(slug) + "/dashboard").then(function (data) {
      if (mine !== state.seq) return;
      render(data);
      state.shown = slug;
      $("dashboard").setAttribute("aria-busy", "false");
      $("export").disabled = false;
      text($("export-campaign"), title(slug));
    }, function (problem) {
      if (mine !== state.seq) return;
      $("dashboard").setAttribute("aria-busy", "false");
      text($("updated"), "");
      failed(problem);
    });
  }

  function showRole() {
    var c = state.campaigns[state.slug];
    text($("role"), c ? "Your role: " + c.role + (c.rights.indexOf("reveal") >= 0 ? " (may reveal personal data)" : "") : "");
    document.body.setAttribute("data-rights", c ? c.rights.join(" ") : "");
    document.body.setAttribute("data-kind", c ? c.kind : "");
  }

  function start() {
    var signingIn = !$("sign-in").hidden;
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    text($("who"), sessionStorage.getItem(WHO) ? "Signed in as " + sessionStorage.getItem(WHO) + "." : "");
    return api("/admin/campaigns").then(function (body) {
      var select = $("campaign");
      select.textContent = "";
      state.campaigns = {};
      body.campaigns.forEach(function (c) {
        state.campaigns[c.slug] = c;
        var option = document.createElement("option");
        option.value = c.slug;
        text(option, c.title + " (" + c.slug + ")");
        select.appendChild(option);
      });
      var wanted = decodeURIComponent(location.hash.slice(1));
      var slugs = body.campaigns.map(function (c) { return c.slug; });
      state.slug = slugs.indexOf(wanted) >= 0 ? wanted : slugs[0] || null;
      select.value = state.slug || "";
      showRole();
      $("dashboard").hidden = false;
      if (signingIn) select.focus();  // keyboard users land on the first control, not at the top of the page
      if (!state.slug) { $("load-error").textContent = "Your token covers no campaign."; return; }
      clearInterval(state.timer);
      state.timer = setInterval(function () { if (!document.hidden) load(); }, REFRESH_MS);
      return load();
    }, failed);
  }

  function exportAll() {
    var status = $("export-status");
    var button = $("export");
    var slug = state.shown, mine = ++state.exportSeq;  // only the campaign on screen, and only while it is
    if (!slug || slug !== state.slug) return;
    button.disabled = true;
    text(status, "Preparing the export of " + title(slug) + "…");
    var base = "/admin/campaigns/" + encodeURIComponent(slug) + "/exports";
    var poll = function (job) {
      if (mine !== state.exportSeq) return;  // another campaign is on screen now: this export's news is not its
      if (job.status === "done") {
        status.textContent = "";
        var link = document.createElement("a");
        link.href = job.download_url;
        text(link, "Download the CSV (" + job.rows + " letters)");
        status.appendChild(link);
        button.disabled = false;
        return;
      }
      if (job.status === "failed") throw new Problem(500, job.error || "the export failed");
      text(status, "Preparing the export… " + job.rows + " letters so far.");
      return new Promise(function (resolve) { setTimeout(resolve, 2000); })
        .then(function () { return api(base + "/" + job.export_id); }).then(poll);
    };
    api(base, { method: "POST", headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
                body: "{}" })
      .then(poll)
      .catch(function (problem) {
        if (mine !== state.exportSeq) return;
        button.disabled = false;
        text(status, "The export did not work: " + (problem.message || problem) + ".");
      });
  }

  function askForLink(event) {
    event.preventDefault();
    var email = $("email").value.trim();
    text($("email-sent"), "");
    if (!email || email.indexOf("@") < 1) return signIn("Type the email address you organise with.", "email");
    $("email-error").textContent = "";
    $("email").setAttribute("aria-invalid", "false");
    text($("email-sent"), "Sending…");
    api("/admin/sign-in", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
                            body: JSON.stringify({ email: email }) })
      .then(function (body) { text($("email-sent"), body.message + " Open it in this browser."); },
            function (problem) { text($("email-sent"), ""); signIn(problem.message, "email"); });
  }

  function useLink(secret) {
    history.replaceState(null, "", location.pathname + location.search);  // the link works once: out of sight
    return api("/admin/sessions", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
                                    body: JSON.stringify({ link: secret }) })
      .then(function (session) {
        sessionStorage.setItem(KEY, session.token);
        sessionStorage.setItem(WHO, session.email);
        return start();
      }, function (problem) { forget(); signIn(problem.message, "email"); });
  }

  $("email-form").addEventListener("submit", askForLink);
  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) return signIn("Paste your organiser token first.");
    sessionStorage.setItem(KEY, value);
    sessionStorage.removeItem(WHO);
    $("token").value = "";
    start();
  });
  $("sign-out").addEventListener("click", function () {
    var ending = token().indexOf("dms_") === 0 ? api("/admin/sign-out", { method: "POST" }) : Promise.resolve();
    ending.catch(function () {}).then(function () { forget(); signIn(""); });
  });
  $("refresh").addEventListener("click", load);
  $("export").addEventListener("click", exportAll);
  $("campaign").addEventListener("change", function (event) {
    state.slug = event.target.value;
    history.replaceState(null, "", "#" + encodeURIComponent(state.slug));
    showRole();
    load();
  });
  $("all-countries").addEventListener("click", function () {
    state.allCountries = !state.allCountries;
    renderCountries();
  });
  document.querySelector(".jump").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-to]");
    if (!button) return;
    var target = $(button.getAttribute("data-to"));
    target.scrollIntoView();
    target.focus();
  });
  $("countries").tHead.addEventListener("click", function (event) {
    var th = event.target.closest("th");
    if (!th) return;
    var key = th.getAttribute("data-key");
    state.sort = { key: key, dir: state.sort.key === key ? -state.sort.dir : (key === "name" ? 1 : -1) };
    renderCountries();
  });

  function linkInAddress() {
    if (location.hash.indexOf(LINK) !== 0) return false;
    useLink(decodeURIComponent(location.hash.slice(LINK.length)));
    return true;
  }
  window.addEventListener("hashchange", linkInAddress);  // the link opened in a tab showing this page already
  if (!linkInAddress()) { if (token()) start(); else signIn(""); }
})();
