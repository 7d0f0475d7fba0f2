"""Password hashing (argon2), CSRF tokens and other small security helpers."""

import hmac
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# A verify against this keeps a login for an unknown user as slow as for a known one.
_DUMMY_HASH = _hasher.hash("ceyice-timing-equaliser")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password in constant-ish time, also when there is no such user."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """Whether argon2's parameters changed since the hash was made."""
    return _hasher.check_needs_rehash(password_hash)


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def csrf_valid(session: dict[str, Any], submitted: str | None) -> bool:
    """Compare a submitted CSRF token with the session's."""
    expected = session.get(CSRF_SESSION_KEY)
    # Bytes, not str: compare_digest raises on non-ASCII text, and a forged token is not a server error.
    return isinstance(expected, str) and bool(submitted) and hmac.compare_digest(
        expected.encode(), (submitted or "").encode("utf-8", "surrogatepass"))


def new_token(nbytes: int = 16) -> str:
    """A URL-safe random token."""
    return secrets.token_urlsafe(nbytes)
