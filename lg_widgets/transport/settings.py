"""Where a client connects and with what: the URL, the API key, extra headers, TLS trust.

Everything here is checked before any request goes out, so a typo fails at once with an
``InvalidArgument`` that says what to pass (and never quotes a header's value: it may be a token).
"""

from __future__ import annotations

import functools
import os
import re
import ssl
import warnings
from typing import Any, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ..errors import InsecureTLSWarning, InvalidArgument

#: What ``verify=`` takes: the system's authorities (None/True), a CA bundle path, a context, or False.
Verify = bool | str | os.PathLike[str] | ssl.SSLContext | None


def resolve_url(url: str | None) -> str:
    """The argument, else ``$LANGGRAPH_API_URL``, checked and without a trailing slash.

    A client never starts a server: ``lg_widgets.server.server_url`` does that, once, for
    the widget (and whoever else wants the embedded server when no URL is given).
    """
    url = url or os.environ.get("LANGGRAPH_API_URL")
    if not url:
        raise InvalidArgument("No server URL: pass url='http://host:port' or set LANGGRAPH_API_URL "
                              "(StreamView starts the embedded server itself when neither is given).")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise InvalidArgument(f"url must look like 'http://host:port', got {url!r}.")
    return url.rstrip("/")


def resolve_api_key(api_key: str | None) -> str | None:
    return api_key or os.environ.get("LANGGRAPH_API_KEY") or None


# RFC 9110 field names; values: visible ASCII, spaces and tabs (no line breaks: no header injection).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """``headers=`` as a plain dict, or ``InvalidArgument`` (which never quotes a value: it may be a token)."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise InvalidArgument(f"headers must be a dict of header names to values, got {type(headers).__name__}: "
                              "pass e.g. headers={'Authorization': 'Bearer ...'}.")
    checked = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidArgument(f"headers: {name!r} is not a valid HTTP header name (letters, digits and "
                                  "-_.!#$%&'*+^`|~ only), e.g. 'Authorization'.")
        if not isinstance(value, str):
            raise InvalidArgument(f"headers: the value of {name!r} must be a str, got {type(value).__name__}.")
        if not _HEADER_VALUE.fullmatch(value):
            raise InvalidArgument(f"headers: the value of {name!r} holds a line break or a non-ASCII character, "
                                  "which HTTP headers cannot carry.")
        checked[name] = value
    return checked


def tls_verify(verify: Verify) -> ssl.SSLContext | bool:
    """``verify=`` → what httpx takes: the shared default context, a CA bundle's context, yours, or False."""
    if verify is None or verify is True:
        return tls_context()
    if verify is False:
        _warn_insecure()
        return False
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, (str, os.PathLike)):
        return _ca_bundle_context(os.path.abspath(os.path.expanduser(os.fspath(verify))))
    raise InvalidArgument(f"verify must be True, False, a CA bundle path or an ssl.SSLContext, got "
                          f"{type(verify).__name__}.")


_insecure_warned = False


def _warn_insecure() -> None:
    global _insecure_warned
    if not _insecure_warned:  # once per process: every view makes a client, the advice is the same
        _insecure_warned = True
        warnings.warn("verify=False: the server's TLS certificate is not checked, so whoever sits between you and "
                      "the server can read the run and your credentials. For a deployment with its own "
                      "certificate authority pass verify='/path/to/ca.pem' instead.", InsecureTLSWarning,
                      stacklevel=5)


@functools.lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """The system's authorities. Loading the CA bundle takes ~20 ms: one context serves every client."""
    return httpx.create_ssl_context()  # honours SSL_CERT_FILE / SSL_CERT_DIR like httpx's default


@functools.lru_cache(maxsize=8)
def _ca_bundle_context(path: str) -> ssl.SSLContext:
    """A context that trusts the certificates in ``path`` (a PEM file or a hashed directory), made once per path."""
    if not os.path.exists(path):
        raise InvalidArgument(f"verify={path!r}: no such CA bundle. Pass the path of the PEM file holding the "
                              "certificate authority that signed the server's certificate.")
    try:
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        raise InvalidArgument(f"verify={path!r} is not a PEM CA bundle ({exc.reason or exc}).") from None


def positive_seconds(name: str, value: Any, zero_ok: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not zero_ok):
        raise InvalidArgument(f"{name} must be a positive number of seconds, got {value!r}.")
    return float(value)


def display_url(url: str) -> str:
    """The URL without user name and password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def same_origin_path(base_url: str, location: str) -> str | None:
    """The path of ``location`` if it points at the same server; ``None`` otherwise (a ``location``
    from another origin is never followed: it could send the API key elsewhere)."""
    absolute = urljoin(base_url + "/", location)
    base, target = urlsplit(base_url), urlsplit(absolute)
    if (base.scheme, base.netloc) != (target.scheme, target.netloc):
        return None
    path = target.path
    base_path = base.path.rstrip("/")
    if base_path and path.startswith(base_path):
        path = path[len(base_path):]
    return path + (f"?{target.query}" if target.query else "")
