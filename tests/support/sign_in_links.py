"""Signing in to the console as a member, through the emailed link in the local outbox (console/sign_in.py)."""

from __future__ import annotations

import json
import re

LINK_RE = re.compile(r"/admin#sign-in=([A-Za-z0-9_-]+)")


def links_to(outbox, email):
    """The sign-in links mailed to `email`, oldest first."""
    return [LINK_RE.search(m["body"]).group(1) for m in outbox() if m["to"] == email and LINK_RE.search(m["body"])]


def signed_in(client, outbox, email):
    """Ask for a link for `email` and use the newest one; the session answer (token, expires, email)."""
    headers = {"Content-Type": "application/json"}
    asked = client.http.post("/admin/sign-in", headers=headers, body=json.dumps({"email": email}).encode())
    assert asked.status_code == 202, asked.body
    link = links_to(outbox, email.lower())[-1]
    response = client.http.post("/admin/sessions", headers=headers, body=json.dumps({"link": link}).encode())
    assert response.status_code == 201, response.body
    return json.loads(response.body)
