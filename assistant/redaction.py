"""Removing credentials and payment data from captured text before anything stores it.

Each finding is replaced by `[REDACTED:<kind>]` and returned as a Secret for the knowledge vault.
Detectors run on the original text and the spans are merged once (a PEM block is one redaction,
not forty), with the most specific detector winning where two overlap.

Deliberately NOT redacted: hex strings (git SHAs, checksums, UUIDs). They are identifiers a developer
sees all day and wants to recall ("which commit was that?"); hex credentials are still caught when
labelled ("token: 9f86d0..."). Inside URLs only credential-bearing parts go (a "user:pass@" password,
query parameters named like credentials); opaque IDs in URLs name pages rather than unlock them.
Elsewhere, random-looking tokens without a known prefix or label are caught by an entropy test that
misses about 1-3 % of them (measured on random base62/base64url strings of 24-40 characters) and
leaves ordinary identifiers such as "AbstractSingletonProxyFactoryBean2" alone.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Redaction", "Secret", "iban_valid", "luhn_valid", "redact"]


class Secret(NamedTuple):
    """A credential found in text: `kind` as in `[REDACTED:<kind>]`, and the value that was removed."""

    kind: str
    value: str


@dataclass(frozen=True)
class Redaction:
    text: str
    count: int
    secrets: list[Secret]
    spans: tuple[tuple[int, int], ...] = ()  # (start, end) of each redaction in the ORIGINAL text


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    priority: int


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
    )
)
# OCR often splits a long token in two ("ghp_16C7e42F292c69 12E7710c8..."): a random-looking chunk
# right after a prefixed token is taken as its continuation.
_CONTINUATION = re.compile(r" (?P<v>[A-Za-z0-9_-]{4,})(?![A-Za-z0-9_-])")
_BEARER = re.compile(r"\bbearer[ \t]+(?P<v>[A-Za-z0-9._~+/-]{16,}=*)", re.IGNORECASE)
_VALUE = r"[ \t]*[:=][ \t]*(?P<v>\"[^\"\n]+\"|'[^'\n]+'|\S+)"
_PASSWORD = re.compile(r"\b(?:password|passwort|passwd|passphrase|pwd|passcode)\b" + _VALUE, re.IGNORECASE)
_PIN = re.compile(r"\bPIN(?:[ \t]*code)?\b[ \t]*[:=][ \t]*(?P<v>\d{4,8})\b", re.IGNORECASE)
_LABELLED = re.compile(
    r"\b[A-Za-z0-9_.-]*(?:secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*"
    r"[\"']?[ \t]*[:=][ \t]*[\"']?(?P<v>[A-Za-z0-9_\-+/=.~]{8,})",
    re.IGNORECASE,
)
_MASKED = re.compile(r"^[\s*•●·∙◦x.]+$", re.IGNORECASE)  # "Password: ••••••" shows no secret
_DIGIT_GROUPS = re.compile(r"(?<![\d-])\d+(?:[ -]\d+)*(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>\"'`]+", re.IGNORECASE)
# Credential-bearing URL parts: the password in "user:pass@host", and query parameters named like
# credentials (access_token, X-Amz-Signature, api_key, code, session...). The rest of a URL is kept,
# opaque IDs included: they name pages ("?list=PL..."), they do not unlock them.
_URL_PASSWORD = re.compile(r"://[^/\s:@]+:(?P<v>[^/\s@]+)@")
_URL_PARAM = re.compile(r"[?&#;](?P<name>[A-Za-z0-9_.-]+)=(?P<v>[^&#;\s]{6,})")
_URL_PARAM_NAME = re.compile(
    r"(?:^|[_.-])(?:access_?token|refresh_?token|id_?token|token|api_?key|apikey|key|secret|sig|signature|"
    r"password|passwd|pwd|pass|auth|credential|credentials|session|session_?id|sid|code)$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])")

# IBAN length per country (SWIFT registry); a country code not listed here is not an IBAN.
_IBAN_LENGTHS = {
    item[:2]: int(item[2:])
    for item in re.findall(
        r"\w+",
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 "
        "EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 "
        "KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 "
        "PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20",
    )
}
# Priorities: lower wins an overlap. Specific shapes beat labels, labels beat checksummed numbers,
# and the entropy guess comes last.
_P_PEM, _P_JWT, _P_PREFIXED, _P_BEARER, _P_FIELD, _P_IBAN, _P_CARD, _P_ENTROPY = range(8)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_length_ok(digits: str) -> bool:
    # Issuer ranges in use start with 2-6 (Mastercard 2-series, Amex/Diners/JCB 3, Visa 4, Mastercard/
    # Maestro 5, Discover/UnionPay 6), each with its own lengths; timestamps and order numbers starting
    # with 1 or 7-9 are not cards.
    n = len(digits)
    if digits[0] == "4":
        return n in (13, 16, 19)
    if digits[:2] in ("34", "37"):
        return n == 15
    if digits[0] == "3":
        return 14 <= n <= 19
    return digits[0] in "256" and 16 <= n <= 19


def _card_shaped(digits: str) -> bool:
    return _card_length_ok(digits) and len(set(digits)) > 1 and luhn_valid(digits)


def iban_valid(compact: str) -> bool:
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _cards(text: str) -> Iterator[_Hit]:
    """Digit groups (space or dash separated): the longest valid run of whole groups is a card."""
    for m in _DIGIT_GROUPS.finditer(text):
        groups = [(g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group(0))]
        i = 0
        while i < len(groups):
            best = None
            digits = ""
            for j in range(i, len(groups)):
                digits += text[groups[j][0] : groups[j][1]]
                if len(digits) > 19:
                    break
                if _card_shaped(digits):
                    best = j
            if best is None:
                i += 1
                continue
            yield _Hit(groups[i][0], groups[best][1], "card", _P_CARD)
            i = best + 1


def _ibans(text: str) -> Iterator[_Hit]:
    for m in _IBAN.finditer(text):
        length = _IBAN_LENGTHS.get(m.group(0)[:2])
        if length is None:
            continue
        # Take exactly the country's length of characters: the match may run on into the next word.
        count, end = 0, m.start()
        while end < m.end() and count < length:
            if text[end] != " ":
                count += 1
            end += 1
        compact = text[m.start() : end].replace(" ", "")
        if iban_valid(compact):
            yield _Hit(m.start(), end, "iban", _P_IBAN)


def _char_class(ch: str) -> int:
    return 0 if ch.islower() else 1 if ch.isupper() else 2 if ch.isdigit() else 3


def _random_looking(token: str) -> bool:
    """Mixed-case, high-entropy, and without the long same-class runs and vowels of real words."""
    body = token.rstrip("=")
    if len(body) < 16 or not (any(c.islower() for c in body) and any(c.isupper() for c in body)):
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


def _url_secrets(text: str, urls: list[tuple[int, int]]) -> Iterator[_Hit]:
    for start, end in urls:
        url = text[start:end]
        for m in _URL_PASSWORD.finditer(url):
            yield _Hit(start + m.start("v"), start + m.end("v"), "password", _P_FIELD)
        for m in _URL_PARAM.finditer(url):
            if _URL_PARAM_NAME.search(m.group("name")):
                yield _Hit(start + m.start("v"), start + m.end("v"), "url_secret", _P_FIELD)


def _high_entropy(text: str, urls: list[tuple[int, int]]) -> Iterator[_Hit]:
    for m in _TOKEN.finditer(text):
        if any(m.start() < u_end and m.end() > u_start for u_start, u_end in urls):
            continue  # URLs: only their credential parts go (see _url_secrets)
        token = m.group(0)
        # Paths hold words between slashes: judge each segment, so "/home/user/projects" stays.
        parts = token.split("/") if "/" in token else [token]
        if any(len(p) >= (24 if len(parts) == 1 else 16) and _random_looking(p) for p in parts):
            yield _Hit(m.start(), m.end(), "high_entropy", _P_ENTROPY)


def _field_value(m: re.Match[str], kind: str) -> _Hit | None:
    value = m.group("v")
    # A masked field shows no secret; "PWD=/home/alice" in an `env` listing is a directory.
    if _MASKED.match(value) or value.startswith(("/", "~/")):
        return None
    start, end = m.span("v")
    if value[0] in "\"'" and value[-1] == value[0] and len(value) > 2:
        start, end = start + 1, end - 1
    return _Hit(start, end, kind, _P_FIELD)


def _labelled_secret_value(value: str) -> bool:
    """Letters mixed with digits or with inner capitals, or long: "max_tokens: 4096", "token_type:
    bearer" and "tokens: Unlimited" are settings, not secrets."""
    if value.isdigit():
        return False
    mixed = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    inner_caps = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return mixed or inner_caps or len(value) >= 16


def _continues_token(chunk: str) -> bool:
    """Letters and digits mixed: a piece of a token, not a word of prose ("expires", "2025")."""
    return any(c.isdigit() for c in chunk) and any(c.isalpha() for c in chunk)


def _hits(text: str) -> Iterator[_Hit]:
    for m in _PEM.finditer(text):
        yield _Hit(m.start(), m.end(), "private_key", _P_PEM)
    for m in _JWT.finditer(text):
        yield _Hit(m.start(), m.end(), "jwt", _P_JWT)
    for kind, regex in _PREFIXED:
        for m in regex.finditer(text):
            end = m.end()
            more = _CONTINUATION.match(text, end)
            if more and _continues_token(more.group("v")):
                end = more.end()
            yield _Hit(m.start(), end, kind, _P_PREFIXED)
    for m in _BEARER.finditer(text):
        yield _Hit(*m.span("v"), "bearer_token", _P_BEARER)
    for regex, kind in ((_PASSWORD, "password"), (_PIN, "pin")):
        for m in regex.finditer(text):
            hit = _field_value(m, kind)
            if hit is not None:
                yield hit
    for m in _LABELLED.finditer(text):
        if _labelled_secret_value(m.group("v")):
            yield _Hit(*m.span("v"), "secret", _P_FIELD)
    urls = [m.span() for m in _URL.finditer(text)]
    yield from _url_secrets(text, urls)
    yield from _ibans(text)
    yield from _cards(text)
    yield from _high_entropy(text, urls)


def redact(text: str) -> Redaction:
    """Replace every credential or payment number in `text` with `[REDACTED:<kind>]`."""
    if not text:
        return Redaction(text, 0, [])
    accepted: list[_Hit] = []
    for hit in sorted(_hits(text), key=lambda h: (h.priority, h.start, -(h.end - h.start))):
        if hit.end > hit.start and all(hit.end <= a.start or hit.start >= a.end for a in accepted):
            accepted.append(hit)
    if not accepted:
        return Redaction(text, 0, [])
    accepted.sort(key=lambda h: h.start)
    out: list[str] = []
    secrets: dict[Secret, None] = {}
    pos = 0
    for hit in accepted:
        out.append(text[pos : hit.start])
        out.append(f"[REDACTED:{hit.kind}]")
        secrets[Secret(hit.kind, text[hit.start : hit.end])] = None
        pos = hit.end
    out.append(text[pos:])
    return Redaction("".join(out), len(accepted), list(secrets), tuple((h.start, h.end) for h in accepted))
