"""Questions are routed to the memory types they are about; routing re-weights, it never excludes."""

from __future__ import annotations

import pytest

from assistant.retrieval.routing import ALL_TYPES, NEUTRAL, OTHER, PRIMARY, classify, route


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("How do I reset the router?", "howto"),
        ("how to configure ssh agent forwarding", "howto"),
        ("steps to deploy the staging server", "howto"),
        ("What is my github password?", "secret"),
        ("where did I put the AWS API key", "secret"),
        ("the token for the CI", "secret"),
        ("how do I log in, what's the passcode", "secret"),  # secrets beat how-to
        ("When did Caroline go to the support group?", "temporal"),
        ("What happened at the meeting?", "temporal"),
        ("what did Melanie do last weekend", "temporal"),
        ("what was I doing yesterday", "temporal"),
        ("Who is Dana?", "identity"),
        ("What is a Merkle tree?", "identity"),
        ("tell me about the Berlin project", "identity"),
        ("dinner recipe ideas with leeks", "howto"),
        ("coconut ice cream", "general"),
        ("How did John overcome his ankle injury", "general"),  # "how did <someone>" is not a how-to
    ],
)
def test_intents(question: str, intent: str) -> None:
    assert classify(question) == intent


def test_how_to_puts_procedures_first() -> None:
    rt = route("how do I renew the certificate")
    assert rt.order[0] == "procedural"
    assert rt.weight("procedural") == PRIMARY > rt.weight("episodic")


def test_identity_prefers_semantic_and_core() -> None:
    rt = route("who is Dana")
    assert set(rt.order[:2]) == {"semantic", "core"}


def test_temporal_prefers_episodes_and_raw_events() -> None:
    rt = route("when did I last talk to Dana")
    assert set(rt.order[:3]) == {"episodic", "chat", "screen"}


def test_secrets_go_to_the_vault() -> None:
    rt = route("what's the wifi key at the office")
    assert rt.order[0] == "vault"
    assert rt.weight("episodic") == OTHER


def test_every_type_keeps_a_positive_weight() -> None:
    for question in ("how do I", "who is", "when did", "password", "anything at all"):
        rt = route(question)
        assert set(rt.weights) == set(ALL_TYPES)
        assert all(w > 0 for w in rt.weights.values())


def test_general_and_neutral_weigh_everything_alike() -> None:
    assert set(route("coconut ice cream").weights.values()) == {PRIMARY}
    assert set(NEUTRAL.weights.values()) == {PRIMARY}


def test_long_input_is_cheap_and_safe() -> None:
    assert classify("x" * 1_000_000 + " password") == "general"  # only the start of a text is read
