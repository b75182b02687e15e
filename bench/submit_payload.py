"""A valid submission for benchmarks and load runs (one place, so it follows the API's rules)."""

from __future__ import annotations


def payload(i: int, form_token: str) -> dict[str, str]:
    """Letter number `i`, to Finland's ministry (a sourced address), with a form stamp issued by the API."""
    return {
        "country": "FI",
        "name": f"Bench Supporter {i}",
        "email": f"bench{i}@example.org",
        "message": "Defenders in my town are threatened.",
        "form_token": form_token,
    }
