"""Labelled credentials: "password: …" in forms, env files, JSON and YAML, in several languages, and
said in prose ("the wifi password is …"); PINs; values of fields named like secrets or tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.redaction.hits import P_FIELD, Hit

# "password" in the languages whose users are likeliest to type it on screen. Longer forms first.
_LABEL_WORDS = (
    r"password|passwort|kennwort|passwd|passphrase|passcode|pwd|mot[ \t]+de[ \t]+passe|contraseña|contrasena|"
    r"senha|wachtwoord|parola(?:[ \t]+d'ordine)?|hasło|haslo|lösenord|losenord|salasana|adgangskode|passord|"
    r"heslo|jelszó|jelszo|şifre|sifre|пароль|密码|密碼|パスワード|비밀번호|κωδικός"
)
_VALUE = r"[ \t]*[:=][ \t]*(?P<v>\"[^\"\n]+\"|'[^'\n]+'|\S+)"
# A field: "password: x", "DB_PASSWORD=x", "\"password\": \"x\"" (JSON), "password = 'x'" (YAML, TOML, code).
_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*?(?:" + _LABEL_WORDS + r")"
    r"(?:[ \t]+(?:for|of|für|pour|para|voor)[ \t]+[^:=\n]{1,30}?)?[\"']?" + _VALUE,
    re.IGNORECASE,
)
# Prose: "my password is hunter2", "the wifi password for the cabin is: x", "le mot de passe est x".
_PROSE = re.compile(
    r"\b(?:" + _LABEL_WORDS + r")(?:[ \t]+(?:for|of|to|für|pour|para|voor|del?|da|do)[ \t]+[^.,;:\n]{1,40}?)?"
    r"[ \t]+(?:is|was|is[ \t]+now|will[ \t]+be|ist|lautet|est|es|é|è|är|er|je|jest)[ \t]*:?[ \t]+"
    r"(?P<v>\"[^\"\n]+\"|'[^'\n]+'|“[^”\n]+”|\S+)",
    re.IGNORECASE,
)
# Words that follow "password is" in prose about passwords, not in a password.
_PROSE_NOT_VALUES = frozenset(
    "wrong incorrect invalid required too not missing empty expired correct weak strong changed reset set saved "
    "stored needed case case-sensitive the a an your my his her their our now still being protected mandatory "
    "optional different same long short secure insecure hidden encrypted visible shown sent incorrecto "
    "falsch richtig faux incorrect correcto errado errada fout onjuist in on at also only just very never "
    "always already no yes ok okay fine good bad known unknown".split()
)
_PIN = re.compile(r"\bPIN(?:[ \t]*code)?\b[ \t]*[:=][ \t]*(?P<v>\d{4,8})\b", re.IGNORECASE)
_LABELLED = re.compile(
    r"\b[A-Za-z0-9_.-]*(?:secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*"
    r"[\"']?[ \t]*[:=][ \t]*[\"']?(?P<v>[A-Za-z0-9_\-+/=.~]{8,})",
    re.IGNORECASE,
)
_MASKED = re.compile(r"^[\s*•●·∙◦x.]+$", re.IGNORECASE)  # "Password: ••••••" shows no secret
_TRAILING = ".,;:!?)]}"


def _field_value(m: re.Match[str], kind: str) -> Hit | None:
    value = m.group("v")
    # A masked field shows no secret; "PWD=/home/alice" in an `env` listing is a directory.
    if _MASKED.match(value) or value.startswith(("/", "~/")):
        return None
    start, end = m.span("v")
    if value[0] in "\"'“" and value[-1] in "\"'”" and len(value) > 2:
        start, end = start + 1, end - 1
    elif value.endswith(","):  # JSON without quotes, or a list: the comma is not part of it
        end -= 1
    return Hit(start, end, kind, P_FIELD) if end > start else None


def _prose_value(m: re.Match[str]) -> Hit | None:
    value = m.group("v")
    quoted = value[0] in "\"'“" and len(value) > 2
    bare = value.rstrip(_TRAILING) or value
    if not quoted and (bare.lower() in _PROSE_NOT_VALUES or len(bare) < 4):
        return None
    start = m.start("v")
    if quoted:
        return Hit(start + 1, m.end("v") - 1, "password", P_FIELD)
    # A sentence's full stop is not part of the password; "hunter2!" keeps its "!" (can't tell, keep more).
    end = start + len(bare) if value[len(bare) :] in (".", ",", ";", ")", ".)", "),") else m.end("v")
    return Hit(start, end, "password", P_FIELD)


def _labelled_secret_value(value: str) -> bool:
    """Letters mixed with digits or with inner capitals, or long: "max_tokens: 4096", "token_type:
    bearer" and "tokens: Unlimited" are settings, not secrets."""
    if value.isdigit():
        return False
    mixed = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    inner_caps = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return mixed or inner_caps or len(value) >= 16


def fields(text: str) -> Iterator[Hit]:
    for regex, kind in ((_PASSWORD, "password"), (_PIN, "pin")):
        for m in regex.finditer(text):
            hit = _field_value(m, kind)
            if hit is not None:
                yield hit
    for m in _PROSE.finditer(text):
        hit = _prose_value(m)
        if hit is not None:
            yield hit
    for m in _LABELLED.finditer(text):
        if _labelled_secret_value(m.group("v")):
            yield Hit(*m.span("v"), "secret", P_FIELD)
