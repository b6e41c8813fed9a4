"""A fictional stretch of desktop work as capture stores it: 48 windows of 11 apps, each shown for a few
seconds, a keyframe (the window's whole text) and then frames with the lines that were new.

Made here, from templates and a seeded random generator; no real mail, page or person is in it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from assistant.values import RawEvent

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NAMES = ["Ana Ferreira", "Ben Okafor", "Chloe Martin", "Dev Patel", "Ema Novak", "Farid Haddad"]
PLACES = ["Lisbon", "Porto", "Lyon", "Ghent", "Turku", "Bergen"]
THINGS = ["quay berth", "ferry timetable", "invoice", "stand rental", "badge order", "freight quote", "budget line"]

APPS: list[tuple[str, str]] = [
    ("Thunderbird", "Inbox - {name} - Re: {thing} for {place}"),
    ("Firefox", "{place} {thing} - Harbour Authority - Mozilla Firefox"),
    ("LibreOffice Calc", "{place}-expo-budget.ods - LibreOffice Calc"),
    ("Terminal", "build-runner-{n}: ~/harbour/{thing}"),
    ("Evince", "{thing}-{place}-{n}.pdf"),
    ("Slack", "#expo-{place} | Harbour team"),
    ("Code", "{thing}.py - harbour - Visual Studio Code"),
    ("Calendar", "Week {n} - Calendar"),
    ("Files", "Documents/{place}"),
    ("LibreOffice Writer", "{place} proposal v{n}.odt - LibreOffice Writer"),
    ("KeePassXC", "harbour.kdbx - KeePassXC"),
]


def _line(rng: random.Random, app: str) -> str:
    name, place, thing = rng.choice(NAMES), rng.choice(PLACES), rng.choice(THINGS)
    n = rng.randint(2, 9999)
    templates = {
        "Thunderbird": [
            f"From: {name} <{name.split()[0].lower()}@harbour.example>",
            f"The {thing} for {place} is {n} EUR",
            f"Could you confirm the {thing} by Friday? {name}",
        ],
        "Firefox": [
            f"{place} {thing}: departures every {n % 50 + 10} minutes",
            f"Harbour Authority of {place}",
            f"Book a {thing} online, reference HB-{n}",
        ],
        "LibreOffice Calc": [f"{thing.title()} {place} {n:,} {n // 7:,} {n - n // 7:,}", f"Total {place} {n * 3:,}"],
        "Terminal": [
            f"$ make {thing.replace(' ', '-')} PLACE={place.lower()}",
            f"ok {n} tests passed in {n % 90}s",
            f"error: {thing} {n} not found",
        ],
        "Evince": [f"Section {n % 12}: {thing} terms for {place}", f"The {thing} is payable within {n % 60} days"],
        "Slack": [f"{name}: the {thing} for {place} is sorted", f"{name}: can someone check {thing} {n}?"],
        "Code": [f"def load_{thing.replace(' ', '_')}(place='{place}'):", f"    return fetch({n}, '{thing}')"],
        "Calendar": [f"{n % 12 + 8}:00 {thing} call with {name}", f"{place} expo stand build, hall {n % 9}"],
        "Files": [f"{thing}-{place}-{n}.pdf  {n % 900} kB", f"{place}-photos-{n}.zip"],
        "LibreOffice Writer": [
            f"The {place} proposal covers the {thing} and the stand.",
            f"{name} signs off the {thing} ({n} EUR).",
        ],
        "KeePassXC": [f"Entry: {place} portal  user {name.split()[0].lower()}", f"Group: Expo {place}"],
    }
    return rng.choice(templates[app])


def session(windows: int = 48, seconds_each: float = 5.0, interval: float = 3.0, seed: int = 7) -> list[RawEvent]:
    """Raw events of `windows` windows in turn (apps in rotation): a keyframe of 25 lines, then each
    further frame with the 2-4 lines that changed, as the capture writer stores them."""
    rng = random.Random(seed)
    out: list[RawEvent] = []
    t = START
    for w in range(windows):
        app, pattern = APPS[w % len(APPS)]
        title = pattern.format(name=rng.choice(NAMES), place=rng.choice(PLACES), thing=rng.choice(THINGS), n=w + 3)
        frames = max(1, int(seconds_each / interval) + 1)
        for f in range(frames):
            lines = [_line(rng, app) for _ in range(25 if f == 0 else rng.randint(2, 4))]
            meta = {"frame": "keyframe" if f == 0 else "delta"}
            out.append(RawEvent(kind="screen", occurred_at=t, app=app, title=title, text="\n".join(lines), meta=meta))
            t += timedelta(seconds=interval)
    return out
