"""Recall and precision of redaction on the corpus (tests/unit/redaction_corpus.py): at least 99 % of
the secrets are removed, at most 1 % of the look-alike non-secrets is touched."""

from __future__ import annotations

from assistant.redaction import redact
from tests.unit.redaction_corpus import Case, look_alikes, secrets


def _leaked(case: Case, redacted: str) -> bool:
    """The value, or a recognisable piece of it (3 words of a phrase, 12 characters of a token), is left."""
    words = case.value.split()
    if len(words) >= 3:
        return any(" ".join(words[i : i + 3]) in " ".join(redacted.split()) for i in range(len(words) - 2))
    if len(case.value) >= 16:
        return case.value[:12] in redacted or case.value[-12:] in redacted
    return case.value in redacted


def test_recall_on_secrets_is_at_least_99_percent() -> None:
    cases = secrets()
    missed = [case for case in cases if _leaked(case, redact(case.text).text)]
    recall = 1 - len(missed) / len(cases)
    print(f"redaction recall: {recall:.3f} on {len(cases)} secrets")
    assert len(cases) >= 200
    assert recall >= 0.99, [(c.kind, c.text) for c in missed]


def test_at_most_one_percent_of_look_alikes_is_redacted() -> None:
    texts = look_alikes()
    touched = [(text, redact(text).text) for text in texts if redact(text).count]
    rate = len(touched) / len(texts)
    print(f"redaction false positives: {rate:.3f} of {len(texts)} look-alikes")
    assert len(texts) >= 150
    assert rate <= 0.01, touched


def test_a_file_name_in_a_title_is_not_redacted() -> None:
    title = "Statement_8FjK2LmQ9xRt4VbN7cWz1HpD.pdf — Document Viewer"
    assert redact(title).text == title
