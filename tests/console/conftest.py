from __future__ import annotations

import pytest
from support.sign_in_links import signed_in


@pytest.fixture
def sign_in(client, outbox):
    """sign_in(email): a member signs in with the emailed link; the session answer (token, expires, email)."""
    return lambda email: signed_in(client, outbox, email)
