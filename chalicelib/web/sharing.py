"""Share buttons for the page after confirming: the campaign's form (with the supporter's partner code, so the
partner who brought them is credited again) on the services people use on phones. The Web Share API button is
added by the page's script where the browser has it; these links work everywhere, without JavaScript."""

from __future__ import annotations

from urllib.parse import quote, urlencode

# (name shown, URL template): {url} and {text} are filled in percent-encoded.
SERVICES = (
    ("WhatsApp", "https://wa.me/?text={text}%20{url}"),
    ("Telegram", "https://t.me/share/url?url={url}&text={text}"),
    ("X", "https://x.com/intent/tweet?url={url}&text={text}"),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
)


def share_url(base: str, slug: str, partner: str, lang: str) -> str:
    """The campaign's form, carrying the partner code and the page language."""
    query = {**({"partner": partner} if partner else {}), "lang": lang}
    return f"{base}/campaigns/{slug}/form?{urlencode(query)}"


def share_links(url: str, text: str, subject: str) -> list[dict[str, str]]:
    """Every share link, and an email one: each {"name", "href"}."""
    values = {"url": quote(url, safe=""), "text": quote(text, safe="")}
    links = [{"name": name, "href": template.format(**values)} for name, template in SERVICES]
    body = quote(f"{text}\n\n{url}".replace("\n", "\r\n"), safe="")
    links.append({"name": "email", "href": f"mailto:?subject={quote(subject, safe='')}&body={body}"})
    return links
