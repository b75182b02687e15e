"""Keys derived from the one stage secret: keyed hashes (IPs, emails), link tokens, signed form stamps.

Each use gets its own key (HMAC(secret, "demarche/" + purpose), an HMAC-based key derivation), so a value hashed
or signed for one purpose is useless for another: a status link cannot confirm or delete. The secret itself is
read from Secrets Manager the first time a key is needed (chalicelib/services.py), once per container.
Which function uses which purposes is in docs/security-and-privacy.md.
Tokens are stored only as SHA-256 hashes; they can be derived again from the secret (for a reminder email or a
replayed response) but never read back from the table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Callable


def token_hash(token: str) -> str:
    """What the table keeps of a link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(stored_hash: str, presented: str) -> bool:
    """Constant-time check of a presented token against its stored hash; an empty hash never matches."""
    return bool(stored_hash) and hmac.compare_digest(stored_hash, token_hash(presented))


class Signer:
    def __init__(self, secret: bytes | Callable[[], bytes]) -> None:
        """`secret`, or how to read it when a key is first needed."""
        self._read = secret if callable(secret) else (lambda: secret)
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            secret = self._read()
            if not secret:
                raise ValueError("a signer needs a secret")
            self._secret = secret
        return self._secret

    @lru_cache(maxsize=32)
    def key(self, purpose: str) -> bytes:
        return hmac.new(self.secret, f"demarche/{purpose}".encode(), hashlib.sha256).digest()

    def _mac(self, purpose: str, value: str) -> bytes:
        return hmac.new(self.key(purpose), value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def keyed_hash(self, purpose: str, value: str) -> str:
        """A pseudonym for `value` (an IP, an email): equal inputs match, nobody without the secret can reverse it."""
        return self._mac(purpose, value).hex()[:40]

    def token(self, purpose: str, value: str) -> str:
        """An unguessable URL-safe token (256 bits) bound to `purpose` and `value`."""
        return base64.urlsafe_b64encode(self._mac(purpose, value)).rstrip(b"=").decode()

    def verify(self, purpose: str, value: str, presented: str) -> bool:
        return hmac.compare_digest(self.token(purpose, value), presented)
