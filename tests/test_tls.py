"""TLS: https:// verifies certificates by default; verify= trusts a CA bundle, a context, or (warned) nothing.

A certificate authority made in the test (trustme) signs a certificate for
127.0.0.1; ``FaultProxy(tls=...)`` terminates TLS with it in front of a plain
HTTP server: every test is a real handshake on loopback.
"""

from __future__ import annotations

import ssl
import warnings

import pytest
import trustme

import lg_widgets.transport.settings as settings_module
from fault_proxy import FaultProxy
from lg_widgets import InsecureTLSWarning, InvalidArgument, RunState, StreamView, TLSCertificateError
from lg_widgets.client import LangGraphClient, RunRequest, tls_verify
from replay_server import ReplayServer

MODES = ["messages-tuple", "values"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_proxy(upstream_url: str, ca: trustme.CA, names=("127.0.0.1",), host="127.0.0.1") -> FaultProxy:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return FaultProxy(upstream_url, tls=context, host=host)


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def https_replay(ca):
    """An https:// URL in front of the replay server (a 300-event threaded run, unique ids)."""
    with ReplayServer(300) as upstream, tls_proxy(upstream.url, ca) as proxy:
        yield proxy.url


async def collect(url: str, **client_options) -> list:
    events = []
    async with LangGraphClient(url, read_timeout=10, **client_options) as client:
        async for event in client.stream(RunRequest("long", {"tokens": 100}, stream_mode=MODES, thread_id="new")):
            events.append(event)
    return events


async def test_a_ca_bundle_path_verifies_the_server(https_replay, ca_file):
    assert https_replay.startswith("https://")
    events = await collect(https_replay, verify=ca_file)
    assert len(events) == 300
    assert RunState(MODES).apply_all(events).event_count == 300


async def test_an_ssl_context_is_used_as_given(https_replay, ca):
    context = ssl.create_default_context()
    ca.configure_trust(context)
    assert len(await collect(https_replay, verify=context)) == 300


async def test_default_verification_refuses_an_unknown_authority(https_replay):
    with pytest.raises(TLSCertificateError) as raised:
        await collect(https_replay)
    message = str(raised.value)
    assert "could not be verified" in message and "certificate" in message
    assert 'verify="/path/to/ca.pem"' in message and "verify=False" in message
    assert message.endswith(".")


async def test_a_certificate_for_another_host_is_refused(ca, ca_file):
    with ReplayServer(50) as upstream, tls_proxy(upstream.url, ca, names=("lgw.invalid",)) as proxy:
        with pytest.raises(TLSCertificateError, match="mismatch, certificate is not valid"):
            await collect(proxy.url, verify=ca_file)


async def test_verify_false_connects_and_warns_once(https_replay, monkeypatch):
    monkeypatch.setattr(settings_module, "_insecure_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = await collect(https_replay, verify=False)
        second = await collect(https_replay, verify=False)
    assert len(first) == len(second) == 300
    insecure = [w for w in caught if issubclass(w.category, InsecureTLSWarning)]
    assert len(insecure) == 1 and "verify='/path/to/ca.pem'" in str(insecure[0].message)


def test_bad_verify_values_are_invalid_arguments(tmp_path):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate")
    for value, words in [(tmp_path / "missing.pem", "no such CA bundle"), (str(not_pem), "not a PEM CA bundle"),
                         (3, "verify must be")]:
        with pytest.raises(InvalidArgument, match=words):
            LangGraphClient("https://127.0.0.1:9", verify=value)


def test_one_shared_context_per_kind_of_trust(ca_file):
    # Building a context loads certificates (~20 ms): the default one, and one per CA path, are made once.
    assert tls_verify(None) is tls_verify(True)
    assert tls_verify(ca_file) is tls_verify(ca_file)
    assert tls_verify(ca_file) is not tls_verify(None)


@pytest.mark.server
def test_stream_view_over_tls_to_the_dev_server(server, ca, ca_file, comms):
    with tls_proxy(server.url, ca) as proxy:
        view = StreamView("joke", {"topic": "tls"}, url=proxy.url, verify=ca_file, thread_id="new").run()
        assert view.status == "done" and "tls" in view.text
        assert view.graph.get("nodes"), "the graph drawing came through the same client"
        assert view.history(), "history too"
        refused = StreamView("joke", {"topic": "tls"}, url=proxy.url)
        with pytest.raises(TLSCertificateError):
            refused.run()
        assert refused.status == "error" and refused.error["type"] == "TLSCertificateError"
