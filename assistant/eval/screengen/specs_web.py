"""Browser pages."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import paragraphs, sentences
from assistant.eval.screengen.spec import Spec

FIREFOX = "firefox"
TABS = ("", "Inbox - Mail", "Harbour wiki", "Timetables")


def page(sid: str, site: str, url: str, heading: str, body: list[str], side: list[str], **kw: object) -> Spec:
    title = f"{heading} - {site} - Mozilla Firefox"
    body = [*body, "## More", *paragraphs(random.Random(sid), 2, 3)]  # pages run on below what matters
    draw = partial(
        apps.browser, title=title, tabs=(heading, *TABS[1:]), url=url, heading=heading, paragraphs=body, sidebar=side
    )
    return Spec(sid, FIREFOX, title, draw, **kw)  # type: ignore[arg-type]


def pages(r: random.Random) -> list[Spec]:
    at = partial(datetime, tzinfo=UTC)
    side = [
        "Related",
        "Harbourton ferry works extended",
        "Cycling lanes on Quay Street",
        "Market hall reopens",
        "Most read",
        "Night buses return to the old town",
        "Library extends its opening hours",
        "Fishing quota talks resume",
        "Opinion: the quay needs trees",
        "Schools collect coats for winter",
        "Newsletter",
        "Get the Harbourton morning briefing in your inbox every weekday at 7:00.",
    ]

    def weather(gust: str, high: str) -> list[str]:
        return [
            f"Today: rain spreading from the west, wind gusts up to {gust}. High {high}, low 4 degrees.",
            "## Next days",
            "Tomorrow: showers, brighter later. The day after: dry and cold, light winds.",
            "## Sea and coast",
            "Wave height 2 to 3 m. Small craft warning in force for the outer harbour.",
            paragraphs(r, 1)[0],
        ]

    def rates(nok: str, sek: str) -> list[str]:
        return [
            f"1 EUR = {nok} NOK",
            f"1 EUR = {sek} SEK",
            "Mid-market rates, updated every minute. Card payments may use a different rate.",
            "## Converter",
            "Enter an amount to convert between 160 currencies.",
            paragraphs(r, 1)[0],
        ]

    wiki = [
        "Harbourton is a fictional port town on the northern coast, with a population of 48,650 (2025 estimate).",
        "## History",
        "The town grew around a herring market founded in 1412. The "
        "lighthouse on Gull Point was built in 1868 and automated in 1979.",
        "## Transport",
        "A ferry runs to the island of Skerra every 90 minutes in summer. " + sentences(r, 2),
        "## Culture",
        paragraphs(r, 1, 4)[0],
    ]
    product = [
        "EUR 349.00 - in stock, ships in 2 working days.",
        "Model: Ridgeline 2P, weight 1.9 kg, packed size 48 x 16 cm.",
        "## Specifications",
        "Hydrostatic head 3,000 mm. Two doors, two porches. Aluminium poles. 5-year warranty.",
        "## Reviews",
        "4.6 out of 5 from 212 reviews. " + sentences(r, 3),
    ]
    trains = [
        "Harbourton Central to Maastricht, Saturday 21 November",
        "Departs 07:48, arrives 11:02, change at Eindhoven (platform 4).",
        "Departs 09:18, arrives 12:32, direct. Fare from EUR 38.60.",
        "Departs 10:48, arrives 14:05, change at Utrecht.",
        "## Notes",
        "Engineering work between Venlo and Roermond on Sunday: replacement buses.",
        sentences(r, 2),
    ]
    api = [
        "## Rate limits",
        "Each API key may make 600 requests per minute. Bursts above that receive HTTP 429 with a Retry-After header.",
        "## Authentication",
        "Send the key in the X-Fernhill-Key header. Keys can be rotated in the dashboard without downtime.",
        "## Pagination",
        "List endpoints return at most 100 items and a next_cursor field.",
        paragraphs(r, 1)[0],
    ]
    ticket = [
        "Status: In progress. Priority: High. Reporter: Ines Duarte. Assignee: Jonas Weber.",
        "Customers in Belgium see VAT at 19% on the checkout summary instead of 21%. The invoice PDF is correct.",
        "## Comments",
        "Jonas Weber: The rate table for BE was copied from DE during the refactor. Fix in branch fix/be-vat.",
        sentences(r, 3),
    ]
    news = [
        "Harbourton council approved a EUR 12.4 million upgrade of the ferry terminal on Thursday evening.",
        "Work starts in March and should finish before the summer season "
        "of 2028; the ticket hall moves to a temporary building on Pier 2.",
        "## Reactions",
        paragraphs(r, 1, 4)[0],
        paragraphs(r, 1, 4)[0],
    ]
    forum = [
        "Posted by climbing_gecko",
        "My laptop fan runs constantly after the kernel update. Turned out the fix was setting "
        "the power profile to balanced and disabling turbo boost in the firmware settings.",
        "## Replies",
        "Confirmed on the same model, temperatures dropped by about 15 degrees.",
        sentences(r, 4),
    ]
    library = [
        "Signed in as reader 2208-4471.",
        "## Your loans",
        "The Salt Road by M. Okonjo - due back 3 December 2026 - renewed once.",
        "Tide Tables for Beginners - due back 27 November 2026.",
        "A Short History of Lighthouses - overdue, fine EUR 1.20.",
        "## Reservations",
        "Winter Harbour (audiobook) - you are number 4 in the queue.",
        sentences(r, 2),
    ]
    return [
        page(
            "web-library",
            "Harbourton Library",
            "library.harbourton.test/account",
            "My library account",
            library,
            side,
            asks=[
                ("lookup", "When is The Salt Road due back at the library?", "due back 3 December 2026"),
                ("numeric", "Where am I in the queue for the Winter Harbour audiobook?", "number 4 in the queue"),
            ],
        ),
        page(
            "web-weather-1",
            "Harbourton Weather",
            "weather.harbourton.test/today",
            "Harbourton weather",
            weather("62 km/h", "9 degrees"),
            side,
            at=at(2026, 11, 12, 7, 45),
            asks=[("time", "How strong were the gusts forecast when I checked the weather on 12 November?", "62 km/h")],
        ),
        page(
            "web-weather-2",
            "Harbourton Weather",
            "weather.harbourton.test/today",
            "Harbourton weather",
            weather("38 km/h", "6 degrees"),
            side,
            at=at(2026, 11, 19, 7, 50),
            theme="dark",
            asks=[("time", "How strong were the wind gusts in the forecast I read on Thursday morning?", "38 km/h")],
        ),
        page(
            "web-rates-1",
            "Coinrate",
            "coinrate.test/eur",
            "Euro exchange rates",
            rates("11.7342", "11.4120"),
            side,
            at=at(2026, 11, 13, 16, 0),
            asks=[("time", "What was the euro to Norwegian krone rate when I looked it up on 13 November?", "11.7342")],
        ),
        page(
            "web-rates-2",
            "Coinrate",
            "coinrate.test/eur",
            "Euro exchange rates",
            rates("11.8015", "11.3987"),
            side,
            at=at(2026, 11, 20, 16, 5),
            asks=[("time", "What was the euro to krone rate I checked yesterday?", "11.8015")],
        ),
        page(
            "web-wiki",
            "Harbour wiki",
            "wiki.harbourton.test/Harbourton",
            "Harbourton",
            wiki,
            side,
            asks=[
                ("numeric", "How many people live in Harbourton?", "48,650"),
                ("lookup", "When was the Gull Point lighthouse built?", "built in 1868"),
            ],
        ),
        page(
            "web-product",
            "Kestrel Outdoor",
            "kestrel-outdoor.test/tents/ridgeline-2p",
            "Ridgeline 2P tent",
            product,
            side,
            asks=[
                ("numeric", "How much does the Ridgeline tent cost?", "EUR 349.00"),
                ("paraphrase", "How heavy is the two-person tent I was looking at?", "1.9 kg"),
            ],
        ),
        page(
            "web-trains",
            "Rail Planner",
            "railplanner.test/journeys",
            "Journeys to Maastricht",
            trains,
            side,
            asks=[
                ("lookup", "Where do I change trains on the 07:48 to Maastricht?", "change at Eindhoven"),
                ("numeric", "What is the cheapest fare for the direct train to Maastricht?", "EUR 38.60"),
            ],
        ),
        page(
            "web-api",
            "Fernhill developer docs",
            "docs.fernhill.test/api/limits",
            "API limits and keys",
            api,
            ["Guides", "Reference", "Changelog"],
            theme="dark",
            asks=[
                ("numeric", "How many requests per minute does the Fernhill API allow?", "600 requests per minute"),
                ("lookup", "Which header carries the Fernhill API key?", "X-Fernhill-Key"),
            ],
        ),
        page(
            "web-ticket",
            "Tracker",
            "tracker.fernhill.test/issues/QA-1187",
            "QA-1187 Wrong VAT for Belgium",
            ticket,
            ["Linked: QA-1150", "Sprint 47"],
            asks=[
                ("paraphrase", "What tax rate do Belgian customers wrongly see at checkout?", "VAT at 19%"),
                ("entity", "Which branch holds the fix for the Belgian VAT bug?", "fix/be-vat"),
            ],
        ),
        page(
            "web-news",
            "Harbourton Courier",
            "courier.harbourton.test/ferry-terminal",
            "Council backs ferry terminal upgrade",
            news,
            side,
            asks=[("numeric", "How much will the ferry terminal upgrade cost?", "EUR 12.4 million")],
        ),
        page(
            "web-forum",
            "Linux Laptops forum",
            "forum.laptops.test/t/fan-after-update",
            "Fan always on after kernel update",
            forum,
            side,
            asks=[
                (
                    "paraphrase",
                    "How did someone stop their notebook's fan from spinning all the time?",
                    "disabling turbo boost",
                )
            ],
        ),
    ]
