"""Payment data: card numbers (Luhn and issuer lengths), IBANs (mod 97), and labelled CVVs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.redaction.hits import P_CARD, P_FIELD, P_IBAN, Hit

# Groups separated by spaces or dashes; dots too, but only in card-like groups of 3-6 digits
# ("4111.1111.1111.1111"), so version numbers and decimals ("3.14159265358979") stay.
_DIGIT_GROUPS = re.compile(r"(?<![\d-])\d+(?:[ -]\d+)*(?![\d-])")
_DOTTED_GROUPS = re.compile(r"(?<![\d.])\d{3,6}(?:\.\d{3,6}){2,5}(?![\d.]|\.\d)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}", re.IGNORECASE)
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|cvn|security[ \t]+code|card[ \t]+verification(?:[ \t]+(?:code|value))?|"
    r"prüfnummer|kartenprüfnummer|cryptogramme(?:[ \t]+visuel)?|código[ \t]+de[ \t]+seguridad)"
    r"[ \t]*(?:\([^)\n]{0,20}\))?[ \t]*[:=#]?[ \t]*(?P<v>\d{3,4})\b",
    re.IGNORECASE,
)

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
    compact = compact.upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _card_runs(text: str, groups: list[tuple[int, int]]) -> Iterator[Hit]:
    """The longest valid run of whole groups starting at each group is a card."""
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
        yield Hit(groups[i][0], groups[best][1], "card", P_CARD)
        i = best + 1


def cards(text: str) -> Iterator[Hit]:
    for regex in (_DIGIT_GROUPS, _DOTTED_GROUPS):
        for m in regex.finditer(text):
            groups = [(g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group(0))]
            yield from _card_runs(text, groups)


def ibans(text: str) -> Iterator[Hit]:
    for m in _IBAN.finditer(text):
        length = _IBAN_LENGTHS.get(m.group(0)[:2].upper())
        if length is None:
            continue
        # Take exactly the country's length of characters: the match may run on into the next word.
        count, end = 0, m.start()
        while end < m.end() and count < length:
            if text[end] != " ":
                count += 1
            end += 1
        if iban_valid(text[m.start() : end].replace(" ", "")):
            yield Hit(m.start(), end, "iban", P_IBAN)


def cvvs(text: str) -> Iterator[Hit]:
    for m in _CVV.finditer(text):
        yield Hit(*m.span("v"), "cvv", P_FIELD)
