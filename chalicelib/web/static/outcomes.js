// The dashboard's outcome panels: signatories and sign-on sends, digests, and "did they reply?". The dashboard's
// own script (dashboard.js) announces each campaign it loads with a "demarche:campaign" event; this script then
// fetches that campaign's outcomes with the same token and fills the panels. Every value is set as text.
(function () {
  "use strict";
  var API = document.body.getAttribute("data-api");
  var KEY = "demarche.organiserToken";
  var $ = function (id) { return document.getElementById(id); };
  var slug = null;
  var latest = 0;

  function api(path, method, body) {
    var init = { method: method || "GET", headers: { Authorization: "Bearer " + (sessionStorage.getItem(KEY) || ""),
                                                     Accept: "application/json" } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(API + "/admin/campaigns/" + encodeURIComponent(slug) + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = new Error((data.error && data.error.message) || data.message || response.statusText);
        error.detail = data.error || {};
        throw error;
      });
    });
  }

  function text(node, value) { node.textContent = value == null ? "" : String(value); return node; }

  function fill(table, rows, empty) {
    var tbody = table.tBodies[0];
    tbody.textContent = "";
    if (!rows.length) {
      var td = tbody.insertRow().insertCell();
      td.colSpan = table.tHead.rows[0].cells.length;
      td.className = "muted";
      text(td, empty);
      return [];
    }
    return rows.map(function (values) {
      var tr = tbody.insertRow();
      values.forEach(function (value) {
        var td = tr.insertCell();
        if (value instanceof Node) td.appendChild(value); else text(td, value);
        if (typeof value === "number") td.className = "n";
      });
      return tr;
    });
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small";
    text(b, label);
    b.addEventListener("click", onClick);
    return b;
  }

  function act(status, promise, done) {
    text($(status), "Working…");
    promise.then(function (result) { text($(status), done(result)); load(); },
                 function (error) { text($(status), "That did not work: " + error.message); });
  }

  function decisions(s) {
    var box = document.createElement("span");
    ["approve", "reject"].forEach(function (decision) {
      var wanted = decision === "approve" ? "approved" : "rejected";
      if (s.status === wanted || s.status === "pending_confirmation") return;
      var label = (decision === "approve" ? "Approve " : "Reject ") + s.organisation;
      var b = button(decision === "approve" ? "Approve" : "Reject", function () {
        act("decision-status", api("/signatories/" + encodeURIComponent(s.signatory_id) + "/" + decision, "POST"),
            function () { return s.organisation + " is " + wanted + "."; });
      });
      b.setAttribute("aria-label", label);
      box.appendChild(b);
      box.appendChild(document.createTextNode(" "));
    });
    return box;
  }

  var STATUS = { pending_confirmation: "email not confirmed", awaiting_approval: "waiting for you",
                 approved: "approved", rejected: "rejected" };

  function renderSignOn(data) {
    fill($("signatories"), data.signatories.map(function (s) {
      return [s.organisation, s.country_name, s.contact_name + " <" + s.contact_email + ">",
              s.signed_at.slice(0, 16).replace("T", " "), STATUS[s.status] || s.status, decisions(s)];
    }), "No organisation has signed yet.");
    fill($("sends"), data.sends.map(function (s) {
      var cancel = s.status === "scheduled" ? button("Cancel", function () {
        act("send-status", api("/sends/" + encodeURIComponent(s.send_id) + "/cancel", "POST"),
            function () { return "The send is cancelled."; });
      }) : "";
      var started = s.status === "dispatching" || s.status === "dispatched";  // the list is frozen when it starts
      return [s.send_id, s.target_set, s.send_at.slice(0, 16).replace("T", " "), s.status,
              started ? s.signatories : "–", started ? s.letters : "–", s.unreachable.join(", "), cancel];
    }), "The letter has not been scheduled yet.");
  }

  function renderDigests(data) {
    fill($("digests"), data.digests.map(function (d) {
      return [d.send_at.slice(0, 16).replace("T", " "), d.target_name + (d.country ? " (" + d.country + ")" : ""),
              d.supporters, d.status.replace("_", " ")];
    }), "No digest yet: nobody has written.");
  }

  function renderReplies(data) {
    text($("min-answers"), data.min_answers);
    fill($("responsiveness"), data.responsiveness.map(function (r) {
      return [r.target_name + (r.country ? " (" + r.country + ")" : ""), r.asked, r.answered, r.replied, r.no_reply,
              r.not_yet, r.rate === null ? "fewer than " + data.min_answers + " answers" : Math.round(r.rate * 100) + "%"];
    }), "Nobody has been asked yet.");
    var list = $("replies");
    list.textContent = "";
    data.replies.forEach(function (r) {
      var item = document.createElement("li");
      var head = document.createElement("strong");
      text(head, r.target_name + " · " + r.answered_at.slice(0, 10) + " · " + r.answer.replace("_", " "));
      var body = document.createElement("blockquote");
      text(body, r.reply);
      item.appendChild(head);
      item.appendChild(body);
      list.appendChild(item);
    });
    if (!data.replies.length) text(list.appendChild(document.createElement("li")), "No reply pasted yet.");
  }

  function load() {
    if (!slug) return;
    var mine = ++latest;  // answers can arrive out of order: only the latest request's may fill the panels
    api("/outcomes").then(function (data) {
      if (mine !== latest) return;
      var signOn = data.kind === "sign-on", digest = data.delivery === "digest";
      $("sign-on-panel").hidden = !signOn;
      $("digest-panel").hidden = !digest;
      $("replies-panel").hidden = signOn;
      if (signOn) renderSignOn(data);
      if (digest) renderDigests(data);
      if (!signOn) renderReplies(data);
    }, function (error) {
      if (mine === latest) text($("load-error"), "Could not load the outcomes: " + error.message);
    });
  }

  document.addEventListener("demarche:campaign", function (event) { slug = event.detail.slug; load(); });
  $("send-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var at = $("send-at").value;
    var set = $("send-set");
    var body = { target_set: set.value, send_at: at ? at + (at.length === 16 ? ":00Z" : "Z") : "now" };
    var name = set.options[set.selectedIndex].text;
    // Above 10 targets the API answers 409 with their number; the organiser confirms it, then we send it back.
    var scheduled = api("/sends", "POST", body).catch(function (error) {
      if (error.detail.code !== "confirm_count") throw error;
      var count = error.detail.count;
      if (!window.confirm("Send to " + count + " " + name + "? Each gets the letter once.")) {
        throw new Error("nothing scheduled: the send to " + count + " targets was not confirmed.");
      }
      body.confirm_count = count;
      return api("/sends", "POST", body);
    });
    act("send-status", scheduled,
        function (send) { return "Scheduled: to " + name + " at " +
                                 send.send_at.slice(0, 16).replace("T", " ") + " UTC."; });
  });
  $("digests-now").addEventListener("click", function () {
    act("digests-status", api("/digests/send-now", "POST"), function (result) {
      return result.brought_forward + " digest(s) will go within a few minutes.";
    });
  });
})();
