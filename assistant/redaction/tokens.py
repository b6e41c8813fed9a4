"""Credentials recognised by their shape: PEM keys, JWTs, provider prefixes, bearer tokens, the
credential parts of URLs, Ethereum private keys, and random-looking tokens (an entropy test).

Deliberately NOT redacted: hex strings (git SHAs, checksums, UUIDs), also as OCR misreads them. They
are identifiers a developer sees all day and wants to recall ("which commit was that?"); hex
credentials are still caught when labelled ("token: 9f86d0...") or prefixed (Shopify, DigitalOcean,
Twilio). Inside URLs only credential-bearing parts go; opaque IDs in URLs name pages rather than
unlock them. A random-looking file name ("Scan_8FjK2LmQ9xRt4VbN7cWz1HpD.pdf") names a file, not a
credential.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator

from assistant.redaction.hits import P_BEARER, P_ENTROPY, P_FIELD, P_JWT, P_PEM, P_PREFIXED, Hit

_PEM = re.compile(
    r"-{3,}\s*BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?\s*-{3,}"
    r"[\s\S]*?(?:-{3,}\s*END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?\s*-{3,}|(?=\n[ \t]*\n)|\Z)"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_TOKEN_END = r"(?![A-Za-z0-9_-])"  # noqa: S105 - a regex, not a password
# Minimum lengths are below the real ones (ghp_ + 36): a token cut by a window edge or misread by
# OCR is still a secret, and a known prefix followed by 16 random characters is not prose.
_PREFIXED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern + _TOKEN_END))
    for kind, pattern in (
        ("github_token", r"\b(?:gh[pousr]_[A-Za-z0-9]{16,255}|github_pat_[A-Za-z0-9_]{16,255})"),
        ("gitlab_token", r"\bglpat-[A-Za-z0-9_-]{16,}"),
        ("slack_token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        ("aws_key", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}"),
        ("google_api_key", r"\bAIza[0-9A-Za-z_-]{20,}"),
        ("stripe_key", r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{12,}"),
        ("api_key", r"\bsk-[A-Za-z0-9_-]{20,}"),  # OpenAI, Anthropic and others that copied the form
        ("shopify_token", r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{16,}"),
        ("digitalocean_token", r"\bdo[por]_v1_[a-f0-9]{16,}"),
        ("twilio_key", r"\b(?:SK|AC)[0-9a-f]{32}"),
        ("npm_token", r"\bnpm_[A-Za-z0-9]{20,}"),
        ("pypi_token", r"\bpypi-AgE[A-Za-z0-9_-]{20,}"),
        ("huggingface_token", r"\bhf_[A-Za-z0-9]{20,}"),
        ("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
        ("slack_webhook", r"(?<=hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9/_-]{16,}"),
        ("discord_webhook", r"(?<=discord\.com/api/webhooks/)\d{6,}/[A-Za-z0-9_-]{16,}"),
    )
)
# OCR often splits a long token in two ("ghp_16C7e42F292c69 12E7710c8..."): a random-looking chunk
# right after a prefixed token is taken as its continuation.
_CONTINUATION = re.compile(r" (?P<v>[A-Za-z0-9_-]{4,})(?![A-Za-z0-9_-])")
_BEARER = re.compile(r"\bbearer[ \t]+(?P<v>[A-Za-z0-9._~+/-]{16,}=*)", re.IGNORECASE)
# An Ethereum private key is 32 bytes of hex; a transaction or block hash has the same shape but a label.
_ETH_KEY = re.compile(r"(?<![A-Za-z0-9])0x[a-fA-F0-9]{64}(?![A-Za-z0-9])")
_HASH_LABEL = re.compile(r"\b(?:tx|txn|txid|transaction|block|hash|root|topic|digest)\w*\W{0,6}$", re.IGNORECASE)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>\"'`]+", re.IGNORECASE)
# Credential-bearing URL parts: the password in "user:pass@host", and query parameters named like
# credentials (access_token, X-Amz-Signature, api_key, code, session...).
_URL_PASSWORD = re.compile(r"://[^/\s:@]+:(?P<v>[^/\s@]+)@")
_URL_PARAM = re.compile(r"[?&#;](?P<name>[A-Za-z0-9_.-]+)=(?P<v>[^&#;\s]{6,})")
_URL_PARAM_NAME = re.compile(
    r"(?:^|[_.-])(?:access_?token|refresh_?token|id_?token|token|api_?key|apikey|key|secret|sig|signature|"
    r"password|passwd|pwd|pass|auth|credential|credentials|session|session_?id|sid|code)$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])")
# What follows a file name's stem: its extension, perhaps after a downloaded copy's " (1)", and as OCR
# reads a title bar: " .pdf", ". pdf", " pdf" (the space before a dot only: "token. The" ends a sentence).
_FILE_EXTENSION = re.compile(
    r"(?:[ \t]?\(\d{1,3}\))?(?:[ \t]?\.[A-Za-z][A-Za-z0-9]{1,4}(?![A-Za-z0-9])"
    r"|[ \t.,]{1,2}(?:pdf|jpe?g|png|gif|heic|tiff?|docx?|xlsx?|pptx?|od[tsp]|csv|txt|zip|mp[34]|mov)\b)",
    re.IGNORECASE,
)


def _char_class(ch: str) -> int:
    return 0 if ch.islower() else 1 if ch.isupper() else 2 if ch.isdigit() else 3


def _hex_like(body: str) -> bool:
    """A hash as OCR reads it: hex with letters put in upper case and a few misread ("9F3e5d8c6b4a2t7e"). Of
    random base62 only about a third is hex, so a real token is practically never this close to hex."""
    return sum(c in "0123456789abcdef" for c in body.lower()) >= 0.85 * len(body)


def _random_looking(token: str) -> bool:
    """Mixed-case, high-entropy, not a hash, and without the long same-class runs and vowels of real words."""
    body = token.rstrip("=")
    if len(body) < 16 or not (any(c.islower() for c in body) and any(c.isupper() for c in body)):
        return False
    if _hex_like(body):
        return False
    counts = Counter(body)
    entropy = -sum(n / len(body) * math.log2(n / len(body)) for n in counts.values())
    if entropy < 3.5:
        return False
    runs = 1 + sum(_char_class(a) != _char_class(b) for a, b in itertools.pairwise(body))
    mean_run = len(body) / runs
    letters = [c for c in body if c.isalpha()]
    vowels = sum(c in "aeiouAEIOU" for c in letters) / len(letters)
    return mean_run <= 1.8 or (mean_run <= 2.4 and vowels <= 0.3)


def url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _URL.finditer(text)]


def _url_secrets(text: str, urls: list[tuple[int, int]]) -> Iterator[Hit]:
    for start, end in urls:
        url = text[start:end]
        for m in _URL_PASSWORD.finditer(url):
            yield Hit(start + m.start("v"), start + m.end("v"), "password", P_FIELD)
        for m in _URL_PARAM.finditer(url):
            if _URL_PARAM_NAME.search(m.group("name")):
                yield Hit(start + m.start("v"), start + m.end("v"), "url_secret", P_FIELD)


def _high_entropy(text: str, urls: list[tuple[int, int]]) -> Iterator[Hit]:
    for m in _TOKEN.finditer(text):
        if any(m.start() < u_end and m.end() > u_start for u_start, u_end in urls):
            continue  # URLs: only their credential parts go (see _url_secrets)
        if _FILE_EXTENSION.match(text, m.end()):
            continue  # a file name: "[REDACTED].pdf" in a window title helps nobody
        token = m.group(0)
        # Paths hold words between slashes: judge each segment, so "/home/user/projects" stays.
        parts = token.split("/") if "/" in token else [token]
        if any(len(p) >= (24 if len(parts) == 1 else 16) and _random_looking(p) for p in parts):
            yield Hit(m.start(), m.end(), "high_entropy", P_ENTROPY)


def _continues_token(chunk: str) -> bool:
    """Letters and digits mixed: a piece of a token, not a word of prose ("expires", "2025")."""
    return any(c.isdigit() for c in chunk) and any(c.isalpha() for c in chunk)


def tokens(text: str) -> Iterator[Hit]:
    for m in _PEM.finditer(text):
        yield Hit(m.start(), m.end(), "private_key", P_PEM)
    for m in _JWT.finditer(text):
        yield Hit(m.start(), m.end(), "jwt", P_JWT)
    for kind, regex in _PREFIXED:
        for m in regex.finditer(text):
            end = m.end()
            more = _CONTINUATION.match(text, end)
            if more and _continues_token(more.group("v")):
                end = more.end()
            yield Hit(m.start(), end, kind, P_PREFIXED)
    for m in _ETH_KEY.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not _HASH_LABEL.search(text, line_start, m.start()):
            yield Hit(m.start(), m.end(), "ethereum_key", P_PREFIXED)
    for m in _BEARER.finditer(text):
        yield Hit(*m.span("v"), "bearer_token", P_BEARER)
    urls = url_spans(text)
    yield from _url_secrets(text, urls)
    yield from _high_entropy(text, urls)
