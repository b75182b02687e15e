"""A valid submission for benchmarks and load runs (one place, so it follows the API's rules)."""
from __future__ import annotations


def payload(i: int) -> dict[str, str]:
    return {"country": "FI", "name": f"Bench Supporter {i}", "email": f"bench{i}@example.org",
            "message": "Defenders in my town are threatened."}
