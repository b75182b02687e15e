"""`make run`'s server, started for real on a free loopback port: one letter over HTTP reaches the outbox."""
from __future__ import annotations

import time
import urllib.request

import pytest

from live_servers import confirmation_link, eventually, get_json, post_json, wait_for_mail


@pytest.mark.slow
def test_a_letter_posted_over_http_is_confirmed_from_the_outbox_and_reaches_the_ministry(live_api):
    # As the README's curl walkthrough: get a form token, wait the minimum fill time, post.
    token = get_json(f"{live_api}/campaigns/hrd-resolution/form-token")["form_token"]
    time.sleep(2.1)
    receipt = post_json(f"{live_api}/campaigns/hrd-resolution/letters",
                        {"country": "Kenya", "name": "Curl User", "email": "curl.user@example.org", "form_token": token})
    assert receipt["status"] == "pending_confirmation"

    link = confirmation_link(live_api, "curl.user@example.org")  # the server is shared: filter by address
    assert link.startswith(live_api)
    with urllib.request.urlopen(link, timeout=5) as page:  # opening the link shows a button ...
        assert "Confirm and send my letter" in page.read().decode()
    confirm = urllib.request.Request(link, data=b"", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(confirm, timeout=10) as response:  # ... which posts the confirmation
        assert response.status == 200

    mail = wait_for_mail(live_api, "curl.user@example.org")
    assert "Ministry of Foreign and Diaspora Affairs" in mail["to"]

    def sent() -> None:
        assert get_json(receipt["status_url"])["status"] == "sent"

    eventually(sent, timeout=30)
    assert "Curl User" in urllib.request.urlopen(f"{live_api}/dev/outbox", timeout=5).read().decode()
