/*! Démarche embed. Paste where the form should appear:
 *  <script src="https://API/embed.js" data-campaign="SLUG" data-partner="CODE" data-lang="fr" async></script>
 *  Optional look: data-accent="#7a1f5c" (buttons and links; used only if white text stays readable on it) and
 *  data-button-text="Write now" (at most 40 characters).
 *  Each such tag gets an iframe with the campaign form; the frame grows to fit its content. No globals,
 *  no dependencies, and nothing it does can throw into the host page. */
(function () {
  "use strict";
  var SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/, PARTNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, SRC = /\/embed\.js(?:[?#].*)?$/;

  function warn(problem) {
    try { window.console && console.warn("Démarche embed: " + problem); } catch (ignored) { /* no console */ }
  }

  function pageLanguage(script) {
    var tag = script.getAttribute("data-lang") || document.documentElement.getAttribute("lang") ||
      (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return String(tag).split(/[-_]/)[0].toLowerCase().replace(/[^a-z]/g, "").slice(0, 8);
  }

  function embed(script) {
    if (script.hasAttribute("data-demarche-frame") || !SRC.test(script.src || "")) return;
    script.setAttribute("data-demarche-frame", "");  // once per tag, however many copies of this script run
    var base = script.src.replace(SRC, ""), origin = new URL(base).origin;
    var slug = script.getAttribute("data-campaign") || "", partner = script.getAttribute("data-partner") || "";
    if (!SLUG.test(slug)) return warn("data-campaign must be a campaign's slug, like hrd-resolution");
    if (partner && !PARTNER.test(partner)) { warn("data-partner must be letters, digits, - or _"); partner = ""; }

    var query = "embed=1", lang = pageLanguage(script);
    if (partner) query += "&partner=" + encodeURIComponent(partner);
    if (lang) query += "&lang=" + encodeURIComponent(lang);
    var accent = script.getAttribute("data-accent") || "", button = script.getAttribute("data-button-text") || "";
    if (accent && /^#[0-9a-fA-F]{6}$/.test(accent)) query += "&accent=" + encodeURIComponent(accent);
    else if (accent) warn("data-accent must be a colour like #7a1f5c");
    if (button) query += "&button=" + encodeURIComponent(button.slice(0, 40));
    var frame = document.createElement("iframe");
    frame.src = base + "/campaigns/" + slug + "/form?" + query;
    frame.title = script.getAttribute("data-title") || "Letter form";
    frame.setAttribute("data-demarche", slug);
    frame.style.cssText = "display:block;width:100%;max-width:100%;height:720px;border:0;overflow:hidden";
    if (script.parentNode === document.head) document.body.appendChild(frame);
    else script.parentNode.insertBefore(frame, script.nextSibling);

    // Only this frame's messages count: from the API's origin AND from this frame's window.
    window.addEventListener("message", function (event) {
      try {
        var data = event.data;
        if (event.origin !== origin || event.source !== frame.contentWindow) return;
        if (!data || data.demarche !== "resize") return;
        var height = Math.ceil(Number(data.height));
        if (height > 0 && height < 100000) frame.style.height = height + "px";
        if (typeof data.title === "string" && data.title) frame.title = data.title.slice(0, 200);
      } catch (problem) { warn(problem); }
    });
  }

  try {
    var scripts = document.querySelectorAll("script[data-campaign]");
    for (var i = 0; i < scripts.length; i++) {
      try { embed(scripts[i]); } catch (problem) { warn(problem); }
    }
  } catch (problem) { warn(problem); }
})();
