"""Chat and calendars."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import PEOPLE, SENTENCES
from assistant.eval.screengen.spec import Spec


def chats(r: random.Random) -> list[Spec]:
    at = partial(datetime, tzinfo=UTC)
    chans = ["# general", "# standup", "# ops", "# offsite", "# random", "Direct: Ana", "Direct: Ben"]

    def noise(n: int) -> list[tuple[str, str, str]]:
        return [
            (
                r.choice(PEOPLE),
                f"{r.randint(9, 17)}:{r.randint(0, 59):02d}",
                " ".join(r.sample(SENTENCES, r.randint(1, 2))),
            )
            for _ in range(n)
        ]

    def standup(on_call: str, blocker: str) -> list[tuple[str, str, str]]:
        return [
            ("Standup bot", "09:30", f"Daily standup. On call this week: {on_call}."),
            *noise(3),
            ("Marco Bellini", "09:41", f"Blocked on {blocker}, will pair after lunch."),
            *noise(6),
        ]

    slack = "Slack"
    return [
        Spec(
            "chat-standup-1",
            slack,
            "#standup - Harbour team - Slack",
            partial(
                apps.chat,
                title="#standup - Harbour team - Slack",
                channels=chans,
                channel="# standup",
                messages=standup("Wilma Aho", "the VAT export for Belgium"),
            ),
            at=at(2026, 11, 9, 9, 50),
            asks=[("time", "Who was on call according to the standup on 9 November?", "Wilma Aho")],
        ),
        Spec(
            "chat-standup-2",
            slack,
            "#standup - Harbour team - Slack",
            partial(
                apps.chat,
                title="#standup - Harbour team - Slack",
                channels=chans,
                channel="# standup",
                messages=standup("Yusuf Demir", "the flaky login test"),
            ),
            at=at(2026, 11, 16, 9, 55),
            asks=[
                ("time", "Who was on call in the standup on 16 November?", "Yusuf Demir"),
                ("time", "What was Marco blocked on at the standup on Monday?", "the flaky login test"),
            ],
        ),
        Spec(
            "chat-ops",
            slack,
            "#ops - Harbour team - Slack",
            partial(
                apps.chat,
                title="#ops - Harbour team - Slack",
                channels=chans,
                channel="# ops",
                messages=[
                    *noise(3),
                    (
                        "Jonas Weber",
                        "22:14",
                        "Database failover done. The primary is now pg-node-b "
                        "in Frankfurt; replication lag back under 2 s.",
                    ),
                    ("Ana Ferreira", "22:16", "Thanks! Maintenance window closes at 23:00, I'll post the all-clear."),
                    *noise(5),
                ],
            ),
            theme="dark",
            asks=[
                ("entity", "Which database node became the primary after the failover?", "pg-node-b"),
                ("lookup", "When does the maintenance window close?", "Maintenance window closes at 23:00"),
            ],
        ),
        Spec(
            "chat-offsite",
            slack,
            "#offsite - Harbour team - Slack",
            partial(
                apps.chat,
                title="#offsite - Harbour team - Slack",
                channels=chans,
                channel="# offsite",
                messages=[
                    (
                        "Greta Lindqvist",
                        "11:02",
                        "Offsite is booked: Villa Brandhorst, 3-4 December, 26 people. Bus leaves the office at 8:15.",
                    ),
                    *noise(4),
                    (
                        "Sami Koski",
                        "11:20",
                        "Dietary requests to Greta by Friday please, the kitchen needs them a week ahead.",
                    ),
                    *noise(4),
                ],
            ),
            asks=[
                ("paraphrase", "Where are we staying for the team retreat?", "Villa Brandhorst"),
                ("numeric", "How many people are going to the offsite?", "26 people"),
            ],
        ),
        Spec(
            "chat-family",
            "Signal",
            "Family - Signal",
            partial(
                apps.chat,
                title="Family - Signal",
                channels=["Family", "Ben", "Climbing club", "Neighbours"],
                channel="Family",
                messages=[
                    ("Mum", "16:05", "Can someone pick up Leo from football at 17:30? Pitch 3 behind the sports hall."),
                    ("Dad", "16:09", "I can, but I need the car seat from your car."),
                    ("Mum", "16:10", "It's in the garage, the spare key is in the blue tin."),
                    *noise(5),
                ],
                size=16,
            ),
            asks=[
                ("lookup", "Which pitch do I collect Leo from after football?", "Pitch 3 behind the sports hall"),
                ("paraphrase", "Where is the spare car key kept?", "the spare key is in the blue tin"),
            ],
        ),
        Spec(
            "chat-climbing",
            "Signal",
            "Climbing club - Signal",
            partial(
                apps.chat,
                title="Climbing club - Signal",
                channels=["Family", "Ben", "Climbing club", "Neighbours"],
                channel="Climbing club",
                messages=[
                    *noise(3),
                    (
                        "Tereza",
                        "19:02",
                        "Heads up: Wednesday's session moves to Boulderhaus Nord, the old gym has a leak.",
                    ),
                    (
                        "Tereza",
                        "19:03",
                        "Guest passes are EUR 9, bring chalk, the shop there is closed in the evening.",
                    ),
                    *noise(3),
                ],
            ),
            asks=[
                ("entity", "Which gym is Wednesday's climbing session moving to?", "Boulderhaus Nord"),
                ("numeric", "How much is a guest pass at the new climbing gym?", "Guest passes are EUR 9"),
            ],
        ),
        Spec(
            "chat-landlord",
            "whatsapp",
            "Mr Castellano (landlord) - WhatsApp",
            partial(
                apps.chat,
                title="Mr Castellano (landlord) - WhatsApp",
                channels=["Mr Castellano (landlord)", "Climbing club", "Rosa"],
                channel="Mr Castellano (landlord)",
                messages=[
                    (
                        "Mr Castellano",
                        "10:12",
                        "The plumber Vitor will come on Thursday between 8 and 10 to fix the boiler.",
                    ),
                    ("me", "10:30", "Great, thank you. Should I leave the key with the concierge?"),
                    (
                        "Mr Castellano",
                        "10:33",
                        "Yes please, code for the key box is on the back of the meter cupboard.",
                    ),
                    *noise(4),
                ],
            ),
            theme="dark",
            asks=[("entity", "What is the name of the plumber coming to fix the boiler?", "The plumber Vitor")],
        ),
        Spec(
            "chat-support",
            "firefox",
            "Live chat - Voltaro Energy - Mozilla Firefox",
            partial(
                apps.chat,
                title="Live chat - Voltaro Energy - Mozilla Firefox",
                channels=["Support chat", "Billing", "Meter readings"],
                channel="Support chat",
                messages=[
                    (
                        "Voltaro agent Mia",
                        "14:02",
                        "I have applied a credit of EUR 46.80 to your account for the estimated reading.",
                    ),
                    ("me", "14:03", "Thanks. Will the next bill use my real meter reading?"),
                    (
                        "Voltaro agent Mia",
                        "14:04",
                        "Yes, reading 48213 kWh is now on file. Your case number is VE-CASE-60771.",
                    ),
                    *noise(3),
                ],
            ),
            asks=[
                ("numeric", "How much credit did Voltaro put on my account?", "EUR 46.80"),
                ("entity", "What case number did the energy company's support give me?", "VE-CASE-60771"),
            ],
        ),
    ]


def calendars(r: random.Random) -> list[Spec]:
    at = partial(datetime, tzinfo=UTC)
    days46 = ("Mon 9", "Tue 10", "Wed 11", "Thu 12", "Fri 13")
    days47 = ("Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20")

    def filler() -> list[tuple[int, str, str]]:
        names = ["1:1 with Ana", "Focus time", "Supplier call", "Lunch", "Inbox zero", "Team sync"]
        return [
            (d, f"{h:02d}:00-{h:02d}:45", r.choice(names))
            for d in range(5)
            for h in r.sample([9, 11, 12, 13, 16, 17], 3)
        ]

    return [
        Spec(
            "cal-week46",
            "gnome-calendar",
            "Calendar",
            partial(
                apps.calendar,
                title="Calendar",
                week="November 2026, week 46",
                days=days46,
                events=[
                    *filler(),
                    (2, "14:00-15:30", "Design review, room Aurora"),
                    (3, "10:00-10:30", "Call with Bluewater Freight"),
                ],
            ),
            at=at(2026, 11, 10, 8, 30),
            asks=[
                (
                    "time",
                    "Which room was the design review in, in the calendar I checked on 10 November?",
                    "room Aurora",
                )
            ],
        ),
        Spec(
            "cal-week47",
            "gnome-calendar",
            "Calendar",
            partial(
                apps.calendar,
                title="Calendar",
                week="November 2026, week 47",
                days=days47,
                events=[
                    *filler(),
                    (2, "14:00-15:30", "Design review, room Borealis"),
                    (4, "15:00-17:00", "Quarterly planning with finance"),
                ],
            ),
            theme="dark",
            at=at(2026, 11, 16, 8, 25),
            asks=[
                (
                    "time",
                    "Which room was the design review in, in the calendar I looked at on Monday morning?",
                    "room Borealis",
                )
            ],
        ),
        Spec(
            "cal-personal",
            "thunderbird",
            "Calendar - Thunderbird",
            partial(
                apps.calendar,
                title="Calendar - Thunderbird",
                week="Personal, week 48",
                days=("Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27"),
                events=[
                    *[
                        (
                            d,
                            f"{h:02d}:00-{h:02d}:50",
                            r.choice(["Focus time", "Gym", "Inbox zero", "Team sync", "Groceries"]),
                        )
                        for d in range(5)
                        for h in (9, 11)
                    ],
                    (0, "16:30-17:15", "Dentist check-up"),
                    (1, "18:30-20:00", "Climbing club, wall 2"),
                    (3, "12:00-13:00", "Lunch with Rosa at Café Tamarind"),
                    (4, "17:00-18:00", "Pick up new glasses, Optica Lume"),
                ],
            ),
            asks=[
                ("paraphrase", "Where am I having a midday meal with Rosa next week?", "Café Tamarind"),
                ("entity", "At which optician do I pick up the new glasses?", "Optica Lume"),
            ],
        ),
    ]
