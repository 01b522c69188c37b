"""Keep secrets out of what a run shows.

The server echoes request headers and configurable values into checkpoint
``config`` and ``metadata`` (e.g. ``x-api-key``, a custom auth user). Those
reach the state shown in the browser and the saved notebook unless they are
removed first. Only the server's bookkeeping (config / metadata) is redacted:
a graph's own state is shown exactly as the graph made it. Request headers
(``headers=``) are shown, where at all, with the values of secret-looking
names redacted.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

# One rule for header names and bookkeeping keys: authorization, cookie, *-key, *token*, ...
_SECRET_KEY = re.compile(
    r"authorization|cookie|api[-_]?key|[-_]key$|token|secret|passw(or)?d|credential",
    re.IGNORECASE,
)


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Headers fit to show: the value of every secret-looking name replaced."""
    return {name: REDACTED if is_secret_key(name) else value for name, value in headers.items()}


def header_secrets(headers: dict[str, str]) -> list[str]:
    """What to keep out of messages: each secret header's value, and its credentials alone
    (``Bearer abc`` → also ``abc``: a server may quote the token without its scheme)."""
    secrets = []
    for name, value in headers.items():
        if is_secret_key(name) and value.strip():
            secrets.append(value)
            credentials = value.strip().partition(" ")[2].strip()
            if len(credentials) >= 4:  # shorter would redact bits of every message ("HTTP 401")
                secrets.append(credentials)
    return secrets


def redact(value: Any) -> Any:
    """A copy of ``value`` with every value under a secret-looking key replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and is_secret_key(key) and value[key] else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def redact_string(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each known secret in ``text`` (longest first: a token inside its header value)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


_BOOKKEEPING = ("config", "parent_config", "metadata", "configurable")


def redact_event_data(value: Any, mode: str | None = None) -> Any:
    """An event's data with the server's bookkeeping (config / metadata) redacted, anywhere inside it.
    ``mode``: the event's stream mode (a ``messages`` token is ``[chunk, metadata]``: its second
    element is the run's metadata, with what the run was started with).

    The graph's own values are left alone: a state key named ``token`` is data, not a secret.
    """
    if mode == "messages" and isinstance(value, list) and len(value) == 2 and isinstance(value[1], dict):
        return [redact_event_data(value[0]), redact(value[1])]
    if isinstance(value, dict):
        return {
            key: redact(item) if key in _BOOKKEEPING else redact_event_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_event_data(item) for item in value]
    return value
