"""Local-only mode, proven: a full run (import, capture, consolidation with the real model, search, ask)
uses no network in this process, and succeeds in a network namespace that has nothing but loopback.

Two independent witnesses: the privacy guard's own record of refused connections, and NetWatch, an
audit hook in the C socket layer that sees every socket, connect, bind, send and name lookup whether
or not the guard was asked. The app must never listen where another machine could reach it.
"""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from assistant import privacy
from assistant.api import Assistant
from assistant.errors import PrivacyBlocked
from tests.robustness.conftest import InProcessRun, NamespaceRun
from tests.robustness.netwatch import NetWatch, exposed, listening_sockets

pytestmark = pytest.mark.integration
DOWNLOAD_REFUSED = "model download needs the network, and local-only mode is on"


def _ran_everything(report: dict[str, Any], display: bool) -> None:
    assert report["local_only"] is True
    assert report["imported"] == 2 and report["consolidated"] >= 2
    assert report["model_status"] == "model pass on" and report["model_calls"] >= 1
    assert report["embedded"] >= 2  # vector search was on: the embedder and chroma ran too
    assert report["hits"] > 0 and report["answer"]
    assert report["download"].startswith(DOWNLOAD_REFUSED)
    if display:
        assert report["captured"] == 1


def test_a_full_run_in_process_touches_no_network(inprocess_run: InProcessRun) -> None:
    _ran_everything(inprocess_run.report, inprocess_run.display)
    assert inprocess_run.blocked == []  # nothing even tried: the guard refused nothing
    assert inprocess_run.violations == []  # and nothing got past it: no lookup, connect, bind or send


def test_the_app_listens_nowhere_another_machine_can_reach(inprocess_run: InProcessRun) -> None:
    assert exposed(inprocess_run.report["while_open"]) == []
    assert exposed(inprocess_run.listening_after) == []


def test_the_same_run_succeeds_in_a_namespace_with_only_loopback(namespace_run: NamespaceRun) -> None:
    out = namespace_run.report
    assert out["interfaces"] == ["lo"]  # the namespace really had no way out
    _ran_everything(out, namespace_run.xvfb)
    assert out["blocked"] == [] and out["violations"] == []
    assert exposed([tuple(s) for s in out["while_open"]]) == []


def test_a_model_download_is_refused_with_the_privacy_message(app: Assistant) -> None:
    assert privacy.local_only()
    with NetWatch() as watch:
        with pytest.raises(PrivacyBlocked, match=DOWNLOAD_REFUSED):
            app.models.download("qwen2.5-0.5b-instruct")
        with pytest.raises(PrivacyBlocked, match=DOWNLOAD_REFUSED):
            app._core.models.download("someone/repo/model.gguf", endpoint="https://hub.example.org")
    assert watch.events == []  # refused before a socket or a lookup
    assert app.models.installed() == [] and not (app.paths.models / ".downloads").exists()


def test_code_that_skips_the_check_is_refused_before_any_name_lookup(app: Assistant) -> None:
    """The guard is the last line: a library that never calls require_network must not reach the
    network either, and a host name must not even be looked up (a DNS query names the host to the
    network)."""
    assert privacy.local_only()
    blocked = len(privacy.blocked_attempts())
    with NetWatch() as watch:
        with pytest.raises(PrivacyBlocked, match="local-only mode is on"):
            urllib.request.urlopen("http://192.0.2.10/model.gguf", timeout=5)
        with pytest.raises(PrivacyBlocked, match="local-only mode is on"):
            urllib.request.urlopen("https://huggingface.co/api/models", timeout=5)
    assert privacy.blocked_attempts()[blocked:] == ["192.0.2.10", "huggingface.co"]
    assert watch.violations() == []


# -- the witnesses themselves must be able to fail ------------------------------------------------------------
def test_the_listener_check_sees_sockets_on_every_interface() -> None:
    privacy.set_local_only(False)  # the guard refuses a bind to every interface; this checks the witness alone
    with (
        socket.socket() as wide,
        socket.socket() as local,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
        socket.socket(socket.AF_INET6) as local6,
    ):
        wide.bind(("0.0.0.0", 0))
        wide.listen()
        local.bind(("127.0.0.1", 0))
        local.listen()
        udp.bind(("0.0.0.0", 0))
        local6.bind(("::1", 0))
        local6.listen()
        found = listening_sockets()
        ports = {
            "wide": wide.getsockname()[1],
            "local": local.getsockname()[1],
            "udp": udp.getsockname()[1],
            "local6": local6.getsockname()[1],
        }
    assert ("tcp", "0.0.0.0", ports["wide"]) in found and ("tcp", "127.0.0.1", ports["local"]) in found
    assert ("tcp6", "::1", ports["local6"]) in found
    assert {s[2] for s in exposed(found)} >= {ports["wide"], ports["udp"]}
    assert not {ports["local"], ports["local6"]} & {s[2] for s in exposed(found)}


def test_netwatch_flags_what_would_leave_the_machine(tmp_path: Path) -> None:
    privacy.set_local_only(False)  # NetWatch must work without the guard's help
    with NetWatch() as watch:
        with socket.socket() as s:
            s.bind(("0.0.0.0", 0))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))  # fine
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(tmp_path / "sock"))  # fine
        socket.getaddrinfo("localhost", 80)  # fine
    assert watch.violations() == ["bind to ('0.0.0.0', 0)"]
    assert watch.inet_sockets() == 2
