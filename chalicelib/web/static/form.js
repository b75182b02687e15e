/* The campaign form, enhanced: who the letter goes to, the letter as you type, errors beside their fields,
 * a success message that says what happens next, and the height sent to the partner page when framed.
 * Without this script the form still works: it posts to the server, which answers with a page. */
(function () {
  "use strict";
  // "Copy the letter" (the send-it-yourself page, and otherWays below): shown only where the browser can copy.
  function wireCopy(scope) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    Array.prototype.forEach.call(scope.querySelectorAll("button[data-copy]"), function (button) {
      var status = button.parentNode.querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(document.getElementById(button.getAttribute("data-copy")).value)
          .then(function () { if (status) status.textContent = button.getAttribute("data-copied"); },
                function () { /* not allowed: the text is still there to select */ });
      });
    });
  }
  wireCopy(document);
  // "Share…" (the page after confirming): the phone's own share sheet, where the browser has the Web Share API.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-share]"), function (button) {
    if (!navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({title: button.getAttribute("data-share-title"), text: button.getAttribute("data-share-text"),
        url: button.getAttribute("data-share-url")}).catch(function () { /* dismissed: the links are still there */ });
    });
  });

  var root = document.documentElement;
  // --- framed on a partner's page (the letter form, the sign-on form, the pages after them): tell it our height
  // (and title) whenever it changes ----------------------------------------------------------------------------
  function postHeight() {
    try {
      window.parent.postMessage({demarche: "resize", height: Math.ceil(root.getBoundingClientRect().height),
        title: document.title}, "*");  // height and title only: nothing the supporter typed
    } catch (ignored) { /* the page still works unframed */ }
  }
  if (root.hasAttribute("data-embed") && window.parent !== window) {
    if (window.ResizeObserver) new ResizeObserver(postHeight).observe(root);
    window.addEventListener("load", postHeight);
    postHeight();
  }

  var form = document.getElementById("letter-form"), textNode = document.getElementById("page-text");
  if (!form || !textNode || !window.fetch || !window.URLSearchParams) return;
  var T = JSON.parse(textNode.textContent), english = root.lang === "en", targetName = "", busy = false;
  var VISIBLE = ["country", "name", "email", "city", "message", "letter_body", "language"];

  function $(id) { return document.getElementById(id); }
  function say(key) { return T[key] || ""; }
  // The message into `el`, each value in its own <bdi>, so an English name sits right in an Arabic sentence.
  function sayInto(el, key, values) {
    (T[key] || "").split(/\{(\w+)\}/).forEach(function (part, i) {
      if (i % 2 === 0) { el.appendChild(document.createTextNode(part)); return; }
      var bdi = document.createElement("bdi"); bdi.textContent = values[part]; el.appendChild(bdi);
    });
  }
  function value(name) { var el = form.elements[name]; return el && el.value ? el.value : ""; }
  function webLink(url) { return /^https?:\/\//i.test(url || ""); }

  // --- who the letter goes to, and the letter itself -----------------------------------------------------------
  var asked = 0, timer = null, shown = 0;
  function refresh() {
    var country = value("country"), mine = ++asked;
    if (!country) { $("preview-section").hidden = true; $("target").textContent = ""; $("target-links").hidden = true; return; }
    var query = new URLSearchParams({name: value("name"), city: value("city"), message: value("message")});
    if (value("language")) query.set("language", value("language"));
    if (value("ui_language")) query.set("ui_language", value("ui_language"));  // targets named in the page's language
    fetch(form.getAttribute("data-targets") + encodeURIComponent(country) + "?" + query, {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (mine === asked && data && data.target) show(data); })
      .catch(function () { /* the preview is a help, not a requirement */ });
  }
  function show(data) {
    var t = data.target, letter = data.letter, links = $("target-links"), url = t.contact_form_url || t.website;
    var target = $("target"), note = $("target-note");
    targetName = answeringName(data);  // who receives it: down the chain when the first target has no address
    target.textContent = "";
    sayInto(target, "target.goes_to", {name: targetName});
    note.textContent = "";
    if (!data.email_available) sayInto(note, noteKey(data), {name: t.display_name, fallback: fallbackName(data)});
    note.hidden = !note.textContent;
    var addressNote = $("address-note"), kindKey = data.route && data.route.address_note_key;
    addressNote.textContent = "";  // what kind of address it is, where that matters (a registry, a press desk…)
    if (kindKey && say(kindKey)) sayInto(addressNote, kindKey, {name: answeringName(data)});
    addressNote.hidden = !addressNote.textContent;
    links.textContent = "";
    links.hidden = !webLink(url);
    if (webLink(url)) {
      var a = document.createElement("a");
      a.href = url; a.target = "_blank"; a.rel = "noopener";
      a.textContent = say(t.contact_form_url ? "target.contact_form" : "target.website");
      links.appendChild(a);
    }
    ["preview-subject", "preview-body"].forEach(function (id) { $(id).lang = letter.language; $(id).dir = "auto"; });
    $("preview-subject").textContent = letter.subject;
    shownLetter = data;
    startFrom(data.editing);
    showLetter();
    $("preview-section").hidden = false;
    if (!shown++ && window.matchMedia && window.matchMedia("(min-width: 40rem)").matches) $("preview-fold").open = true;
  }
  // --- the body the supporter edits or writes ([letter] editing): the greeting and sign-off stay the campaign's --
  var bodyField = form.elements.letter_body, shownLetter = null;
  // An edit_body form starts from the campaign's text in the letter's language: a new language brings its text,
  // unless the supporter has already changed it.
  function startFrom(editing) {
    if (!bodyField || !editing || editing.mode !== "edit_body") return;
    var start = bodyField.getAttribute("data-start");
    if (start === null) start = bodyField.defaultValue;
    if (bodyField.value.trim() === start.trim() && editing.body !== start) {
      bodyField.value = editing.body; bodyField.lang = shownLetter.letter.language;
    }
    bodyField.setAttribute("data-start", editing.body);
  }
  function mailto(data, body) {  // as letters/fallbacks.py mailto_url: the recipient the server gave, the text here
    return data.mailto.split("?")[0] + "?subject=" + encodeURIComponent(data.letter.subject) +
      "&body=" + encodeURIComponent(body.replace(/\r?\n/g, "\r\n"));
  }
  function showLetter() {
    var data = shownLetter;
    if (!data) return;
    var editing = data.editing, own = bodyField && editing ? bodyField.value.trim() : "";
    var body = own ? editing.before + own + editing.after : data.letter.body;
    $("preview-body").textContent = body;
    $("own-email").href = own ? mailto(data, body) : data.mailto;
  }
  // Why the target cannot be emailed, and what happens instead (a fallback target, or the supporter sends it).
  function noteKey(data) {
    var failing = data.target.failing ? "_failing" : "";
    var why = data.route && data.route.explanation_key;
    if (why && say(why)) return why;  // who answers down the campaign's chain, and why
    if (data.sends_to === "fallback_target") return "note.fallback" + failing;
    if (data.sends_to === "sandbox") return "note.sandbox";
    return "note.none" + failing;
  }
  function answeringName(data) {
    return data.sends_to === "fallback_target" ? fallbackName(data) : data.target.display_name;
  }
  function fallbackName(data) {
    var first = (data.fallbacks || [])[0];
    return first && first.kind === "fallback_target" ? first.target.display_name : "";
  }
  // Nobody can be emailed: the letter, ready to copy, with the other ways to send it (as pages/other_ways.html).
  function otherWays(error) {
    var box = document.createElement("section"), heading = document.createElement("h2"), p = document.createElement("p");
    var strong = document.createElement("strong"), label = document.createElement("label");
    var text = document.createElement("textarea"), list = document.createElement("ol");
    box.id = "other-ways"; box.setAttribute("role", "alert"); box.tabIndex = -1;
    strong.textContent = english ? error.message : say("errors.unreachable"); p.appendChild(strong);
    heading.textContent = say("other_ways.heading");
    label.htmlFor = "letter-text"; sayInto(label, "other_ways.letter_label", {name: error.target.display_name});
    text.id = "letter-text"; text.readOnly = true; text.rows = 14; text.lang = error.letter.language; text.dir = "auto";
    text.value = error.letter.subject + "\n\n" + error.letter.body;
    (error.fallbacks || []).forEach(function (offer) {
      var li = document.createElement("li"), a = document.createElement("a");
      if (offer.kind === "contact_form" && webLink(offer.url)) {
        a.href = offer.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        sayInto(a, "other_ways.contact_form", {name: error.target.display_name});
        li.appendChild(a); li.appendChild(document.createTextNode(". " + say("other_ways.paste")));
      } else if (offer.kind === "mailto" && /^mailto:/.test(offer.url)) {
        a.href = offer.url; a.textContent = say("other_ways.own_email");
        li.appendChild(a); li.appendChild(document.createTextNode(". " + say("other_ways.own_email_note")));
        var webmail = offer.webmail || {}, more = document.createElement("p");
        more.appendChild(document.createTextNode(say("other_ways.webmail") + " "));
        [["gmail", "Gmail"], ["outlook", "Outlook.com"]].forEach(function (w, i) {
          if (!webLink(webmail[w[0]])) return;
          var link = document.createElement("a");
          link.href = webmail[w[0]]; link.target = "_blank"; link.rel = "noopener noreferrer"; link.textContent = w[1];
          if (i) more.appendChild(document.createTextNode(", "));
          more.appendChild(link);
        });
        li.appendChild(more);
        if (!offer.to) { var where = document.createElement("p"); sayInto(where, "other_ways.no_address", {name: error.target.display_name}); li.appendChild(where); }
      } else return;
      list.appendChild(li);
    });
    var copy = document.createElement("p"), button = document.createElement("button"), status = document.createElement("span");
    button.type = "button"; button.hidden = true; button.textContent = say("other_ways.copy");
    button.setAttribute("data-copy", "letter-text"); button.setAttribute("data-copied", say("other_ways.copied"));
    status.className = "hint"; status.setAttribute("role", "status"); status.setAttribute("data-copy-status", "");
    copy.appendChild(button); copy.appendChild(status);
    [p, heading, label, text, copy, list].forEach(function (el) { box.appendChild(el); });
    wireCopy(box);
    return box;
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  ["country", "language"].forEach(function (n) { if (form.elements[n]) form.elements[n].addEventListener("change", refresh); });
  ["name", "city", "message"].forEach(function (n) { if (form.elements[n]) form.elements[n].addEventListener("input", later); });
  if (bodyField) bodyField.addEventListener("input", showLetter);

  // --- errors: a summary that is announced and links to the field, and the message beside the field --------------
  function clearErrors() {
    $("error-summary").textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (el) { el.parentNode.removeChild(el); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
      var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== el.id + "-error"; });
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
    });
  }
  function messageFor(status, error) {
    if (!status) return say("errors.network");
    var key = error.code === "too_quick" ? "errors.too_quick" : "errors." + error.field;
    if (!english && T[key]) return say(key);  // the API speaks English; the catalogue has the field's words
    return error.message || say("errors.other");
  }
  function showError(status, error) {
    clearErrors();
    var message = messageFor(status, error || {}), field = VISIBLE.indexOf(error && error.field) >= 0 && form.elements[error.field];
    var focusTarget = field;
    var summary = $("error-summary"), heading = document.createElement("h2"), list = document.createElement("ul");
    var item = document.createElement("li"), link = document.createElement(focusTarget ? "a" : "span");
    heading.textContent = say("errors.summary");
    link.textContent = message;
    if (focusTarget) {
      link.href = "#" + focusTarget.id;
      link.addEventListener("click", function (ev) { ev.preventDefault(); focusTarget.focus(); });
    }
    item.appendChild(link); list.appendChild(item); summary.appendChild(heading); summary.appendChild(list);
    if (field) {
      var inline = document.createElement("p");
      inline.className = "error field-error"; inline.id = field.id + "-error"; inline.textContent = message;
      field.parentNode.insertBefore(inline, field.nextSibling);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + inline.id).trim());
    }
    summary.focus();
  }

  // --- sending, and what happens next ------------------------------------------------------------------------
  function done(receipt) {
    var box = document.createElement("div"), heading = document.createElement("h2"), p = document.createElement("p");
    var next = document.createElement("p"), follow = document.createElement("a");
    box.id = "done"; box.setAttribute("role", "status"); box.tabIndex = -1;
    heading.textContent = say("done.heading");
    if (targetName) sayInto(p, "done.sent_to", {target: targetName});
    next.textContent = say("status." + receipt.status) || say("status.queued");
    follow.href = receipt.status_url; follow.target = "_blank"; follow.rel = "noopener"; follow.textContent = say("done.follow");
    [heading, p, next].forEach(function (el) { if (el.textContent) box.appendChild(el); });
    box.appendChild(follow);
    replaceForm(box);
  }
  function replaceForm(box) {
    $("error-summary").textContent = "";
    form.parentNode.replaceChild(box, form);
    box.focus();
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (busy) return;
    var body = {}, button = form.querySelector("button[type=submit]"), label = button.textContent;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.hasAttribute("data-page-only") || !el.value) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      body[el.name] = el.value;
    });
    busy = true; button.disabled = true; button.textContent = say("form.sending");
    fetch(form.getAttribute("data-letters"), {method: "POST", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", Accept: "application/json"}})
      .then(function (r) {
        return r.json().then(function (data) { return {status: r.status, ok: r.ok, data: data}; },
          function () { return {status: r.status, ok: false, data: {}}; });  // not JSON: a gateway's error page
      })
      .then(function (res) {
        var error = res.data.error || {};
        if (error.code === "target_unreachable" && error.letter) return replaceForm(otherWays(error));
        if (res.ok) done(res.data); else showError(res.status, error);
      })
      .catch(function () { showError(0, {}); })
      .then(function () { busy = false; button.disabled = false; button.textContent = label; });
  });
  refresh();
})();
