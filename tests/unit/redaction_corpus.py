"""A redaction corpus made here: fictional secrets in the contexts they appear in on screen, and
look-alike text that is not secret (file names, commit hashes, order and tracking numbers, UUIDs in
URLs, prose about passwords). Values come from a seeded generator, so the corpus is the same each run.
"""

from __future__ import annotations

import random
import string
import uuid
from importlib import resources
from typing import NamedTuple

from assistant.redaction import luhn_valid

_rng = random.Random(16)
HEX = "0123456789abcdef"
B62 = string.ascii_letters + string.digits


class Case(NamedTuple):
    kind: str
    text: str
    value: str  # what must not survive redaction


def _pick(alphabet: str, n: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def _password() -> str:
    while True:
        pw = _pick(B62 + "!#%&*+-?@", _rng.randint(10, 16))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _card() -> str:
    while True:
        digits = _rng.choice(["4", "51", "52", "55"]) + _pick(string.digits, 14)
        digits = digits[:15]
        for last in string.digits:
            if luhn_valid(digits + last):
                return digits + last


def _iban(country: str, bban_len: int) -> str:
    bban = _pick(string.digits, bban_len)
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def _grouped(text: str, sep: str, size: int = 4) -> str:
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


def _password_cases() -> list[Case]:
    forms = [
        'config.json: {{"user": "alice", "password": "{v}", "port": 5432}}',
        '"password":"{v}"',
        "database:\n  host: db.local\n  password: {v}\n",
        '  db_password: "{v}"',
        "DB_PASSWORD={v}",
        "my password is {v}",
        "The wifi password for the cabin is {v}.",
        "Password is: {v}",
        "the new password will be {v} from Monday",
        "Passwort: {v}",
        "Mot de passe : {v}",
        "Contraseña: {v}",
        "Senha: {v}",
        "Wachtwoord: {v}",
        "Hasło: {v}",
        "Lösenord: {v}",
        "Salasana: {v}",
        "Пароль: {v}",
        "Passord: {v}",
        "Kennwort = {v}",
        "das Passwort ist {v}",
        "le mot de passe est {v}",
        "la contraseña es {v}",
        "a senha é {v}",
        "het wachtwoord is {v}",
        "password for the router: {v}",
    ]
    return [Case("password", f.format(v=(v := _password())), v) for f in forms for _ in range(3)]


def _provider_cases() -> list[Case]:
    out = []
    for _ in range(6):
        out += [
            Case("shopify", f"X-Shopify-Access-Token {(v := 'shpat_' + _pick(HEX, 32))}", v),
            Case("shopify", f"shared secret {(v := 'shpss_' + _pick(HEX, 32))}", v),
            Case("digitalocean", f"doctl auth init -t {(v := 'dop_v1_' + _pick(HEX, 64))}", v),
            Case("twilio", f"API key {(v := 'SK' + _pick(HEX, 32))} created", v),
            Case("twilio", f"Account {(v := 'AC' + _pick(HEX, 32))}", v),
            Case("slack", f"curl -X POST https://hooks.slack.com/services/{(v := _slack_path())}", v),
            Case("ethereum", f"private key {(v := '0x' + _pick(HEX, 64))}", v),
            Case("ethereum", f"{(v := '0x' + _pick(HEX, 64))}", v),
            Case("huggingface", f"HF_TOKEN {(v := 'hf_' + _pick(B62, 34))}", v),
            Case("npm", f"//registry.npmjs.org/:_authToken={(v := 'npm_' + _pick(B62, 36))}", v),
        ]
    return out


def _slack_path() -> str:
    return f"T{_pick(string.ascii_uppercase + string.digits, 8)}/B{_pick(string.ascii_uppercase, 10)}/{_pick(B62, 24)}"


def _seed_cases() -> list[Case]:
    words = resources.files("mnemonic").joinpath("wordlist/english.txt").read_text("utf-8").split()
    out = []
    for n in (12, 12, 12, 15, 18, 24, 24, 24) * 2:
        phrase = [_rng.choice(words) for _ in range(n)]
        out.append(Case("seed", f"Your recovery phrase: {' '.join(phrase)}", " ".join(phrase)))
        numbered = "  ".join(f"{i}. {w}" for i, w in enumerate(phrase, 1))
        out.append(Case("seed", f"Write down these words\n{numbered}\nNext", " ".join(phrase)))
    return out


def _payment_cases() -> list[Case]:
    out = []
    for _ in range(12):
        card = _card()
        out.append(Case("card", f"Card {(v := _grouped(card, '.'))} exp 08/29", v))
        out.append(Case("card", f"card number: {(v := _grouped(card, ' '))}", v))
    for country, n in (("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14)) * 2:
        iban = _iban(country, n)
        out.append(Case("iban", f"iban: {(v := _grouped(iban.lower(), ' '))}", v))
        out.append(Case("iban", f"Pay to {(v := iban.lower())} by Friday", v))
    for form in ("CVV: {v}", "CVC {v}", "security code: {v}", "CVV2 = {v}", "Prüfnummer: {v}", "cvv {v}"):
        v = _pick(string.digits, _rng.choice((3, 4)))
        out.append(Case("cvv", form.format(v=v) + " thanks", v))
    return out


def secrets() -> list[Case]:
    return _password_cases() + _provider_cases() + _seed_cases() + _payment_cases()


_PROSE = [
    "Your password is too short: use at least 12 characters.",
    "The password is incorrect. Try again or reset it.",
    "Forgot your password? We will email you a reset link.",
    "Password must contain a number and a symbol.",
    "Change password",
    "Password reset link sent to a***@example.com",
    "Mot de passe oublié ?",
    "Passwort vergessen? Hier zurücksetzen",
    "Contraseña incorrecta",
    "the password is stored in the vault, ask Sam",
    "Your password was changed on 12 May 2024.",
    "Meeting notes: we agreed to ship the capture pipeline next Tuesday, after the review.",
    "Please review the budget and the project plan before the meeting about our access policy.",
    "max_tokens: 4096, token_type: bearer, secret_santa: tomorrow, tokens: Unlimited",
    "CVV is the three-digit code on the back of your card.",
    "The security code was sent to your phone.",
    "Python 3.11.4 and numpy 1.26.4 on x86_64, pi is 3.14159265358979",
    "Server 192.168.100.200 answered in 12.5 ms",
    "memory-assistant — assistant/redaction/tokens.py — Visual Studio Code",
    "Inbox (3) - alice@example.com - Mail",
    "Abandon ship! The captain said the ability to swim is a must.",
    "OLDPWD=/tmp\nPWD=/home/alice/projects\nSHELL=/bin/bash",
    "class AbstractSingletonProxyFactoryBean2 extends getUserAccountSettingsFromCache2024",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI",
    "Call +1 555 123 4567 or +44 20 7946 0958",
]


def look_alikes() -> list[str]:
    out = list(_PROSE)
    for _ in range(12):
        out += [
            f"report-{_pick(HEX, 8)}.pdf - Document Viewer",
            f"Scan_{_pick(B62, 28)}.pdf — Evince",
            f"IMG_2024{_rng.randint(1000, 1231)}_{_pick(string.digits, 6)}.jpg",
            f"{_pick(B62, 32)}.png (1920x1080)",
            f"commit {_pick(HEX, 40)} (HEAD -> main) Merge: {_pick(HEX, 7)} {_pick(HEX, 7)}",
            f"Order #{_pick(string.digits, 3)}-{_pick(string.digits, 7)}-{_pick(string.digits, 7)} shipped",
            f"order {_rng.choice('1789')}{_pick(string.digits, 12)} confirmed",
            f"UPS tracking 1Z{_pick(string.ascii_uppercase + string.digits, 16)}",
            f"USPS 9400{_pick(string.digits, 18)}",
            f"https://app.example.com/projects/{uuid.UUID(int=_rng.getrandbits(128))}/settings",
            f"Transaction Hash: 0x{_pick(HEX, 64)}",
            f"sha256sum: {_pick(HEX, 64)}  model.gguf",
            f"request id {uuid.UUID(int=_rng.getrandbits(128))} at 2024-05-17T12:30:45Z",
            f"https://drive.google.com/file/d/{_pick(B62 + '_-', 33)}/view",
        ]
    return out
