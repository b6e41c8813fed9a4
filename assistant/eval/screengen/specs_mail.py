"""Mail."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import FIRMS, PEOPLE, paragraphs, sentences
from assistant.eval.screengen.spec import Spec

MAIL = "thunderbird"
FOLDERS = ["Inbox (12)", "Drafts", "Sent", "Archive", "Receipts", "Travel", "Newsletters", "Spam", "Trash"]


def _inbox(r: random.Random, first: tuple[str, str, str], n: int = 14) -> list[tuple[str, str, str]]:
    subjects = [
        "Re: updated draft",
        "Invoice attached",
        "Quick question",
        "Minutes from Tuesday",
        "Your order has shipped",
        "Reminder: timesheets",
        "Re: workshop room",
        "Holiday rota",
        "Photos from the site visit",
        "Re: slides",
    ]
    rest = [(r.choice(PEOPLE + FIRMS), r.choice(subjects), f"Nov {r.randint(2, 19)}") for _ in range(n)]
    return [first, *rest]


def _mail(r: random.Random, sid: str, subject: str, sender: str, when: str, body: list[str], **kw: object) -> Spec:
    title = f"{subject} - Inbox - Thunderbird"
    draw = partial(
        apps.mail,
        title=title,
        folders=FOLDERS,
        inbox=_inbox(r, (sender, subject, when)),
        header=[("From", sender), ("To", "me"), ("Date", when), ("Subject", subject)],
        body=[
            *body,
            f"On {r.choice(['Mon', 'Tue', 'Wed'])}, {r.choice(PEOPLE)} wrote:",
            *paragraphs(r, 2),
        ],  # the thread below
    )
    return Spec(sid, MAIL, title, draw, **kw)  # type: ignore[arg-type]


def mails(r: random.Random) -> list[Spec]:
    at = partial(datetime, tzinfo=UTC)
    return [
        _mail(
            r,
            "mail-school",
            "Class 4B trip to the planetarium",
            "Westbrook Primary School",
            "Fri 13 Nov 2026 15:20",
            [
                "Dear parents, class 4B visits the Harbourton planetarium on Thursday "
                "26 November. The coach leaves at 8:50 and is back by 14:30.",
                "The trip costs EUR 14 per child; please pay through the "
                "parent portal and return the permission slip by Monday.",
                "Children need a packed lunch and a warm coat. " + sentences(r, 2),
            ],
            asks=[
                ("numeric", "How much does the planetarium trip cost per child?", "EUR 14 per child"),
                ("paraphrase", "What time does the bus for the school outing depart?", "The coach leaves at 8:50"),
            ],
        ),
        _mail(
            r,
            "mail-parcel-1",
            "Your parcel is on its way",
            "Kestrel Outdoor",
            "Tue 10 Nov 2026 09:12",
            [
                "Hello, your order KO-55102 (1 x trail tent, 2 x sleeping mat) has left our warehouse.",
                "Carrier: Bluewater Freight. Tracking number: KX4471877LU. Expected delivery: Thursday.",
                sentences(r, 3),
            ],
            at=at(2026, 11, 10, 9, 40),
            asks=[("time", "What was the tracking number in the parcel mail I read on 10 November?", "KX4471877LU")],
        ),
        _mail(
            r,
            "mail-parcel-2",
            "Your parcel is on its way",
            "Kestrel Outdoor",
            "Tue 17 Nov 2026 14:30",
            [
                "Hello, your order KO-55391 (1 x camping stove, 4 x gas canisters) has left our warehouse.",
                "Carrier: Bluewater Freight. Tracking number: KX4471902LU. Expected delivery: Friday.",
                sentences(r, 3),
            ],
            at=at(2026, 11, 17, 15, 10),
            asks=[
                (
                    "time",
                    "What was the tracking number in the parcel email I opened on Tuesday afternoon?",
                    "KX4471902LU",
                )
            ],
        ),
        _mail(
            r,
            "mail-flight",
            "Booking confirmed: Harbourton - Trondheim",
            "Nordlys Air",
            "Mon 16 Nov 2026 11:03",
            [
                "Thank you for booking with Nordlys Air. Booking reference: QX7R2M.",
                "Outbound NY 4417 on 7 December, departs Harbourton 07:35, arrives "
                "Oslo 10:05; connection NY 2290 to Trondheim, arrives 12:20.",
                "Return NY 2291 on 10 December. Checked baggage: 1 x 23 kg per passenger. Seat 14C.",
                sentences(r, 2),
            ],
            asks=[
                ("entity", "What is the booking reference for the Trondheim flight?", "QX7R2M"),
                ("lookup", "Which seat did I get on the Nordlys flight?", "Seat 14C"),
            ],
        ),
        _mail(
            r,
            "mail-dentist",
            "Appointment reminder",
            "Brightsmile Dental Clinic",
            "Thu 12 Nov 2026 08:00",
            [
                "Dear patient, this is a reminder of your check-up with Dr. Emeka Obi on Monday 23 November at 16:40.",
                "Please arrive ten minutes early and bring your "
                "insurance card. To cancel, call at least 24 hours ahead.",
                sentences(r, 2),
            ],
            asks=[
                ("entity", "Which dentist is my check-up with?", "Dr. Emeka Obi"),
                ("paraphrase", "At what time should I be at the dental clinic on the 23rd?", "16:40"),
            ],
        ),
        _mail(
            r,
            "mail-invoice",
            "Invoice INV-7720 for October",
            "Northgate Office",
            "Mon 2 Nov 2026 17:45",
            [
                "Please find attached invoice INV-7720 for office supplies delivered in October.",
                "Total due: EUR 1,096.35, payable within 30 days to IBAN ending 4402. PO reference: PO-88-1930.",
                sentences(r, 3),
            ],
            asks=[
                ("numeric", "What is the total of the Northgate Office invoice for October?", "EUR 1,096.35"),
                ("entity", "Which purchase order does invoice INV-7720 refer to?", "PO-88-1930"),
            ],
        ),
        _mail(
            r,
            "mail-holiday",
            "Re: holiday request 21-31 December",
            "Lena Fischer",
            "Wed 11 Nov 2026 13:20",
            [
                "Hi, your holiday request for 21-31 December is approved. "
                "That leaves you 4.5 days for next year's carry-over.",
                "Please hand over the supplier calls to Oskar while you are away. " + sentences(r, 2),
            ],
            asks=[
                ("paraphrase", "How many vacation days can I carry into next year?", "4.5 days"),
                (
                    "entity",
                    "Who takes over the supplier calls during my holiday?",
                    "hand over the supplier calls to Oskar",
                ),
            ],
        ),
        _mail(
            r,
            "mail-newsletter",
            "This week at the Harbourton makerspace",
            "Makerspace Harbourton",
            "Fri 13 Nov 2026 07:30",
            [
                "Laser cutter induction: Saturday 10:00, max 6 people. "
                "The ceramics kiln is back in service after the repair.",
                "Members' night moves to the second Thursday. Membership fees rise to EUR 22 a month from January.",
                *paragraphs(r, 2),
            ],
            theme="dark",
            asks=[
                ("numeric", "What will the makerspace membership cost per month from January?", "EUR 22 a month"),
                ("lookup", "How many people can join the laser cutter induction?", "max 6 people"),
            ],
        ),
    ]
