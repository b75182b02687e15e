"""A partner's page embeds the campaign with one line; supporters complete it in Chromium, by mouse or keyboard only,
in their language. The partner page and the API are two real servers on two loopback ports (two origins)."""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from support.live_servers import confirm, eventually, get_json, status_path, wait_for_mail

pytestmark = pytest.mark.slow


def partner_html(api: str, body: str, lang: str = "en", head: str = "") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Partner</title>{head}</head>'
        f"<body><h1>Our partner campaign</h1>{body}</body></html>"
    )


def snippet(api: str, campaign: str, partner: str = "", extra: str = "") -> str:
    """The one line partners paste (README)."""
    return f'<script src="{api}/embed.js" data-campaign="{campaign}" data-partner="{partner}"{extra} async></script>'


def fresh_email(who: str) -> str:
    return f"{who}.{uuid.uuid4().hex[:10]}@example.org"


def frame_of(page, campaign: str):
    handle = page.wait_for_selector(f'iframe[data-demarche="{campaign}"]')
    frame = handle.content_frame()
    frame.wait_for_selector("#letter-form")
    return handle, frame


def open_embedded(browser, partner_site, api: str, lang: str, partner: str, width: int = 800):
    """A partner page in `lang` with the one-line snippet for hrd-resolution, open at `width` px: (page, iframe, form)."""
    url = partner_site.page(f"/{lang}.html", partner_html(api, snippet(api, "hrd-resolution", partner), lang=lang))
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    return (page, *frame_of(page, "hrd-resolution"))


def heights(handle, frame) -> tuple[int, int]:
    """(the iframe's height on the partner page, the height of the form document inside it)."""
    outer = round(handle.bounding_box()["height"])
    inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    return outer, inner


def assert_fits(handle, frame) -> int:
    outer, inner = heights(handle, frame)
    assert abs(outer - inner) <= 1, (outer, inner)
    return outer


def let_the_form_age(frame, base: str) -> None:
    """Wait out the form's minimum fill time (a form sent sooner is a bot's, answered with a decoy).

    The server's clock, not this one, says how old the form is: a fresh stamp carries its "now"."""
    issued = int(frame.get_attribute("input[name=form_token]", "value").split(".")[0])
    server_now = int(get_json(f"{base}/campaigns/hrd-resolution/form-token")["form_token"].split(".")[0])
    time.sleep(max(0.0, issued + 2.2 - server_now))


def tab_to(page, frame, element_id: str, presses: int = 40) -> None:
    """Press Tab (only) until the element with `element_id` inside the frame has the focus."""
    for _ in range(presses):
        if frame.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached #{element_id}")


def test_a_supporter_completes_the_embedded_form_and_the_partner_is_credited(
    browser, live_api, partner_site, screenshot
):
    # GIVEN a partner page with two embeds, a malformed third tag, and the partner's own script after them
    url = partner_site.page(
        "/two-forms.html",
        partner_html(
            live_api,
            "".join(
                [
                    snippet(live_api, "Not A Slug!"),
                    snippet(live_api, "hrd-resolution", "pen-kenya"),
                    "<p>Between the two forms</p>",
                    snippet(live_api, "sg-defenders", "pen-kenya-sg"),
                    '<script>document.body.setAttribute("data-host-ok", "yes");</script>',
                ]
            ),
            head="<script>window.namesBefore = Object.getOwnPropertyNames(window);</script>",
        ),
    )
    page = browser.new_page(viewport={"width": 900, "height": 900})
    warnings, errors = [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # WHEN the page loads
    page.goto(url)
    handle, frame = frame_of(page, "hrd-resolution")
    other_handle, other_frame = frame_of(page, "sg-defenders")

    # THEN each good tag got its own frame, with the partner code and page language; the bad tag only warned
    assert page.locator("iframe").count() == 2
    query = parse_qs(urlsplit(handle.get_attribute("src")).query)
    assert query == {"partner": ["pen-kenya"], "lang": ["en"], "embed": ["1"]}
    assert any("data-campaign must be" in w for w in warnings) and errors == []
    assert page.get_attribute("body", "data-host-ok") == "yes"
    leaked = page.evaluate(
        "Object.getOwnPropertyNames(window).filter(n => !window.namesBefore.includes(n) && !/^[0-9]+$/.test(n))"
    )
    assert leaked == ["namesBefore"]  # embed.js added no global of its own (window[0], [1] are the frames)
    # and each frame is exactly as tall as its own content, and titled after the campaign
    first_height = eventually(lambda: assert_fits(handle, frame))
    eventually(lambda: assert_fits(other_handle, other_frame))
    assert "human rights defenders" in handle.get_attribute("title")

    # WHEN a supporter picks a country, edits the paragraph and fills in the form
    email = fresh_email("embedded")
    frame.select_option("#country", "KE")
    frame.wait_for_selector("#target:has-text('Permanent Mission of Kenya to the United Nations')")  # down the chain
    frame.fill("#message", "As a teacher in Nakuru, I ask you to stand with defenders.")
    frame.wait_for_selector("#preview-body:has-text('As a teacher in Nakuru')")
    frame.fill("#name", "Wanjiku Kamau")
    frame.fill("#email", email)

    # THEN the frame grew with its content, and the other frame did not move
    grown = eventually(lambda: assert_fits(handle, frame))
    assert grown > first_height
    eventually(lambda: assert_fits(other_handle, other_frame))
    screenshot(page, "embed-two-forms-filled")

    # WHEN they send it
    let_the_form_age(frame, live_api)
    frame.click("button[type=submit]")

    # THEN the success state says what happens next, and the frame shrinks to it
    done = frame.wait_for_selector("#done")
    assert "Thank you" in done.inner_text() and "check your email" in done.inner_text()
    assert eventually(lambda: assert_fits(handle, frame)) < grown
    screenshot(page, "embed-sent")

    # AND once confirmed from the email, the letter reaches the ministry, with the partner credited on it
    confirm(live_api, email)
    mail = wait_for_mail(live_api, email)
    assert "As a teacher in Nakuru" in mail["body"] and "Wanjiku Kamau" in mail["body"]
    status_url = frame.get_attribute("#done a", "href")
    assert get_json(live_api + status_path(status_url))["partner"] == "pen-kenya"

    # WHEN the partner page itself, then the other form's frame, post resize messages
    sent_height = assert_fits(handle, frame)
    page.evaluate("window.postMessage({demarche: 'resize', height: 7, title: 'forged'}, '*')")
    other_frame.evaluate("parent.postMessage({demarche: 'resize', height: 9, title: 'other'}, '*')")

    # THEN only the other form's own frame follows its message; this frame listens to its own frame only
    def other_frame_obeyed() -> None:
        assert round(other_handle.bounding_box()["height"]) == 9

    eventually(other_frame_obeyed)
    assert round(handle.bounding_box()["height"]) == sent_height
    assert handle.get_attribute("title") != "forged"
    page.close()


def test_a_keyboard_only_supporter_on_a_french_page_gets_the_french_form_and_sends(
    browser, live_api, partner_site, screenshot
):
    # GIVEN a French partner page with the snippet (no data-lang: the page's <html lang> decides)
    page, handle, frame = open_embedded(browser, partner_site, live_api, "fr-FR", "ldh")

    # THEN the form is in French
    assert frame.evaluate("document.documentElement.lang") == "fr"
    assert frame.inner_text("label[for=country]") == "Votre pays"

    # WHEN the supporter uses only the keyboard, and mistypes their email
    tab_to(page, frame, "country")
    page.keyboard.type("Kenya")
    frame.wait_for_selector("#target:has-text('Mission permanente auprès de l’ONU (New York) — Kenya')")  # in French
    tab_to(page, frame, "name")
    outline = frame.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
        "getComputedStyle(document.activeElement).outlineWidth"
    )
    assert outline.startswith("solid") and float(outline.split()[1].rstrip("px")) >= 2  # visible focus
    page.keyboard.type("Camille Martin")
    tab_to(page, frame, "email")
    page.keyboard.type("pas-une-adresse")
    tab_to(page, frame, "message")
    page.keyboard.type("Je vous écris depuis Lyon.")
    tab_to(page, frame, "send")
    let_the_form_age(frame, live_api)
    page.keyboard.press("Enter")

    # THEN the error is announced, in French, and linked to the field
    summary = frame.wait_for_selector("#error-summary:has-text('Il y a un problème')")
    assert summary.get_attribute("role") == "alert"
    assert frame.evaluate("document.activeElement.id") == "error-summary"
    assert frame.get_attribute("#email", "aria-invalid") == "true"
    assert "email-error" in frame.get_attribute("#email", "aria-describedby").split()
    assert "adresse e-mail" in frame.inner_text("#email-error")
    screenshot(page, "keyboard-fr-error")

    # WHEN they follow the error's link with the keyboard, correct the address and send again
    email = fresh_email("clavier")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.id") == "email"
    page.keyboard.press("Control+A")
    page.keyboard.type(email)
    tab_to(page, frame, "send")
    page.keyboard.press("Enter")

    # THEN the French success message has the focus, and the letter is on its way, credited to the partner
    frame.wait_for_selector("#done:has-text('Merci')")
    assert frame.evaluate("document.activeElement.id") == "done"
    assert "Consultez vos e-mails" in frame.inner_text("#done")
    screenshot(page, "keyboard-fr-sent")
    confirm(live_api, email)
    mail = wait_for_mail(live_api, email)
    assert "Je vous écris depuis Lyon." in mail["body"]
    assert get_json(live_api + status_path(frame.get_attribute("#done a", "href")))["partner"] == "ldh"
    page.close()


def test_an_arabic_page_renders_the_form_right_to_left_and_fits_a_320px_phone(
    browser, live_api, partner_site, screenshot
):
    # GIVEN an Arabic partner page, open on a 320 px wide phone
    page, handle, frame = open_embedded(browser, partner_site, live_api, "ar", "cihrs", width=320)

    # WHEN the supporter picks a country
    frame.select_option("#country", "EG")
    frame.wait_for_selector("#preview-section:not([hidden])")

    # THEN the form is Arabic, right to left: labels start at the right edge
    assert frame.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert frame.inner_text("label[for=country]") == "بلدك"
    edges = frame.evaluate("""() => {
        const label = document.querySelector('label[for=name]'), range = document.createRange();
        range.selectNodeContents(label);
        const text = range.getBoundingClientRect(), box = label.getBoundingClientRect();
        return [getComputedStyle(label).direction, box.right - text.right, text.left - box.left];
    }""")
    assert edges[0] == "rtl" and edges[1] < 2 and edges[2] > 100
    # AND nothing is wider than the phone, on the partner page or in the form
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    eventually(lambda: assert_fits(handle, frame))
    screenshot(page, "arabic-320px")
    page.close()


def test_the_iframe_alternative_works_with_javascript_off(browser, live_api, partner_site, screenshot):
    # GIVEN a partner page using the documented <iframe> alternative, and a browser with JavaScript off
    email = fresh_email("nojs")
    url = partner_site.page(
        "/iframe.html",
        partner_html(
            live_api,
            (
                f'<iframe src="{live_api}/campaigns/hrd-resolution/form?partner=pen-kenya&lang=es&embed=1" '
                'title="Carta" style="width:100%;height:1600px;border:0"></iframe>'
            ),
            lang="es",
        ),
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    frame = page.frame_locator("iframe")

    # WHEN the supporter fills in the Spanish form and sends it
    assert frame.locator("label[for=country]").inner_text() == "Su país"
    frame.locator("#country").select_option("KE")
    frame.locator("#name").fill("Lucía Pérez")
    frame.locator("#email").fill(email)
    let_the_form_age(page.frames[1], live_api)
    frame.locator("button[type=submit]").click()

    # THEN the result page shows inside the frame, in Spanish, and the letter goes out credited to the partner
    frame.locator("[role=status]:has-text('Gracias')").wait_for()
    screenshot(page, "iframe-no-js-sent")
    confirm(live_api, email)
    wait_for_mail(live_api, email)
    status_url = frame.locator("[role=status] a").get_attribute("href")
    assert get_json(live_api + status_path(status_url))["partner"] == "pen-kenya"
    context.close()


CORS_SCRIPT = """async ([api, email, token]) => {
    try {
        if (!token) {  // as a partner's own form does: a form token first, then the letter after the fill time
            token = (await (await fetch(api + "/campaigns/hrd-resolution/form-token")).json()).form_token;
            await new Promise(done => setTimeout(done, 2200));
        }
        const r = await fetch(api + "/campaigns/hrd-resolution/letters", {method: "POST",
            headers: {"Content-Type": "application/json"},
            body: JSON.stringify({country: "KE", name: "Partner Form", email: email, form_token: token})});
        return {status: r.status, location: r.headers.get("Location"), body: await r.json()};
    } catch (e) { return {blocked: String(e)}; }
}"""


def test_a_partners_own_form_may_call_the_api_only_from_an_allowed_origin(browser, live_api, partner_site):
    # GIVEN the same partner page served from a foreign origin and from the allow-listed one
    partner_site.page("/own-form.html", partner_html(live_api, "<p>Our own form</p>"))
    page = browser.new_page()
    allowed = fresh_email("allowed")

    # WHEN the page on the foreign origin asks for a form token, or posts a letter (preflighted), with fetch
    page.goto(f"{partner_site.foreign_origin}/own-form.html")
    no_token = page.evaluate(CORS_SCRIPT, [live_api, fresh_email("foreign"), None])
    no_letter = page.evaluate(CORS_SCRIPT, [live_api, fresh_email("foreign"), "1795600000.forged"])

    # THEN the browser blocks both: the token's answer carries no CORS header, the preflight is refused
    assert "blocked" in no_token and "blocked" in no_letter

    # WHEN the page on the allowed origin does the same
    page.goto(f"{partner_site.origin}/own-form.html")
    result = page.evaluate(CORS_SCRIPT, [live_api, allowed, None])

    # THEN the letter is accepted and the page can read the answer, including the exposed Location header
    assert result["status"] == 202 and result["location"] == result["body"]["status_url"]
    assert result["body"]["status"] == "pending_confirmation"
    confirm(live_api, allowed)
    wait_for_mail(live_api, allowed)
    page.close()


TEXT_COLOURS = """() => {
    const rgba = c => { const p = c.match(/[\\d.]+/g).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
    const background = el => {
        for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; }
        return [255, 255, 255, 1];
    };
    const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!node.textContent.trim() || el.closest("select, script") || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        found.push({text: node.textContent.trim().slice(0, 40), fg: rgba(style.color), bg: background(el),
                    size: parseFloat(style.fontSize), bold: parseInt(style.fontWeight) >= 700});
    }
    for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
        found.push({text: "border of #" + el.id, fg: rgba(getComputedStyle(el).borderTopColor),
                    bg: background(el.parentElement), size: 0, bold: false, graphic: true});
    }
    return found;
}"""


def contrast(fg: list[float], bg: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_and_control_border_on_the_form_meets_wcag_aa_contrast(browser, live_api, screenshot):
    # GIVEN the form with everything a supporter can see: recipient, preview, an error, the mailto option
    page = browser.new_page(viewport={"width": 800, "height": 900})
    page.goto(f"{live_api}/campaigns/hrd-resolution/form?lang=en")
    page.select_option("#country", "KE")
    page.wait_for_selector("#preview-section:not([hidden])")
    page.fill("#name", "Contrast Checker")
    page.fill("#email", "not-an-address")
    let_the_form_age(page, live_api)
    page.click("#send")
    page.wait_for_selector("#email-error")
    screenshot(page, "form-error-and-preview")

    # WHEN every visible text and control border is measured against what is behind it
    measured = page.evaluate(TEXT_COLOURS)

    # THEN text reaches 4.5:1 (3:1 when large) and control borders 3:1 (WCAG 2.1 AA, 1.4.3 and 1.4.11)
    assert len(measured) > 40
    failing = []
    for item in measured:
        large = item["size"] >= 24 or (item["size"] >= 18.66 and item["bold"])
        needed = 3.0 if item.get("graphic") or large else 4.5
        ratio = contrast(item["fg"], item["bg"])
        if ratio < needed:
            failing.append((item["text"], round(ratio, 2), needed))
    assert failing == []
    page.close()


@pytest.mark.slow
def test_a_partner_themes_the_embed_with_data_attributes(browser, live_api, partner_site, screenshot):
    # GIVEN the snippet with an accent colour and its own button text
    extra = ' data-accent="#7a1f5c" data-button-text="Write to your minister"'
    url = partner_site.page(
        "/themed.html", partner_html(live_api, snippet(live_api, "hrd-resolution", "pen-kenya", extra))
    )
    page = browser.new_page(viewport={"width": 800, "height": 900})
    page.goto(url)
    _, frame = frame_of(page, "hrd-resolution")

    # THEN the iframe's form follows: the button reads as the partner wrote, in their colour
    assert frame.inner_text("#send") == "Write to your minister"
    assert frame.evaluate("getComputedStyle(document.getElementById('send')).backgroundColor") == "rgb(122, 31, 92)"
    screenshot(page, "embed-themed")
    page.close()


def test_an_embedded_sign_on_form_fits_its_frame_and_names_it_in_the_pages_language(browser, live_api, partner_site):
    # GIVEN a French partner page with the one-line snippet for a coalition sign-on (no letter form, no preview)
    campaign = "ga-defenders-sign-on"
    url = partner_site.page("/sign-on-fr.html", partner_html(live_api, snippet(live_api, campaign, "ldh"), lang="fr"))
    page = browser.new_page(viewport={"width": 800, "height": 900})
    page.goto(url)
    handle = page.wait_for_selector(f'iframe[data-demarche="{campaign}"]')
    frame = handle.content_frame()
    frame.wait_for_selector("form")
    # THEN the frame grows or shrinks to the form (not the snippet's first 720 px) and takes its French title
    eventually(lambda: assert_fits(handle, frame))
    assert round(handle.bounding_box()["height"]) != 720

    def titled_in_french() -> None:
        assert "Lettre conjointe" in (handle.get_attribute("title") or ""), handle.get_attribute("title")

    eventually(titled_in_french)
