"""The files partners and pages load: embed.js is small, self-contained and served as a script; form.js too."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest


@pytest.mark.parametrize("name", ["embed.js", "form.js"])
def test_scripts_are_served_as_cacheable_javascript(client, name):
    response = client.http.get(f"/{name}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response.headers["Cache-Control"]


def test_the_snippet_is_small_self_contained_and_wrapped():
    from chalicelib.web.static_files import script

    source = script("embed.js")
    body = re.sub(r"/\*.*?\*/", "", source, flags=re.S).strip()

    assert len(source.encode()) < 5 * 1024
    assert body.startswith('(function () {\n  "use strict";') and body.endswith("})();")  # one IIFE, no globals
    assert not re.search(r"\b(import|require|eval|document\.write|innerHTML)\b", body)
    assert "event.origin !== origin" in body and "event.source !== frame.contentWindow" in body


def test_only_the_two_scripts_are_served():
    from chalicelib.errors import NotFound
    from chalicelib.web.static_files import script

    with pytest.raises(NotFound):
        script("../app.py")


def test_the_preview_offers_the_letter_as_a_mailto_and_the_status_names_the_partner(client, letters_api):
    preview = json.loads(client.http.get("/campaigns/hrd-resolution/targets/KE?name=Jo").body)
    mailto = preview["mailto"]
    assert mailto.startswith("mailto:?subject=Please%20co-sponsor")  # Kenya's ministry publishes no address
    assert unquote(mailto.split("&body=", 1)[1]) == preview["letter"]["body"].replace("\n", "\r\n")

    sent = letters_api.post(
        "hrd-resolution", {"country": "KE", "name": "Jo", "email": "jo@example.org", "partner": "pen-kenya"}
    )
    status_path = "/" + json.loads(sent.body)["status_url"].split("://", 1)[1].split("/", 1)[1]
    assert json.loads(client.http.get(status_path).body)["partner"] == "pen-kenya"
