"""Background text for the screens: fictional people, firms and everyday work sentences, drawn with a
seeded generator so every run renders the same screens. Facts that questions ask about are written
into the screens by hand (specs_*.py), never taken from here."""

from __future__ import annotations

import random

PEOPLE = [
    "Ana Ferreira",
    "Ben Okafor",
    "Chloe Martin",
    "Dev Patel",
    "Ema Novak",
    "Farid Haddad",
    "Greta Lindqvist",
    "Hugo Brandt",
    "Ines Duarte",
    "Jonas Weber",
    "Kaito Mori",
    "Lena Fischer",
    "Marco Bellini",
    "Nadia Rahman",
    "Oskar Nieminen",
    "Priya Raman",
    "Quentin Roux",
    "Rosa Alvarez",
    "Sami Koski",
    "Tomas Horak",
]
FIRMS = [
    "Larchfield Supplies",
    "Ostrava Print Works",
    "Bluewater Freight",
    "Copperleaf Studio",
    "Harbourline Catering",
    "Northgate Office",
    "Pinecrest Audio",
    "Redmoor Logistics",
    "Silverfin Labs",
    "Tidewell Insurance",
]
ITEMS = [
    "Printer toner",
    "Desk lamps",
    "Conference badges",
    "Coffee beans",
    "Cable ties",
    "Shipping boxes",
    "Whiteboard markers",
    "USB-C hubs",
    "Lanyards",
    "Banner stands",
    "Folding chairs",
    "Paper cups",
    "Label rolls",
    "Monitor arms",
    "Extension leads",
    "Notebooks A5",
    "Poster tubes",
    "Bubble wrap",
    "Team lunch",
    "Taxi fares",
    "Parking permits",
    "Courier fees",
    "Software seats",
    "Cloud storage",
]
SENTENCES = [
    "Thanks for the quick turnaround on the last round of changes.",
    "Could you have a look before the end of the week and tell me what you think?",
    "The draft is in the shared folder, next to last month's version.",
    "We agreed to keep the scope small for now and revisit it after the review.",
    "Please leave comments in the document rather than replying to everyone.",
    "I moved the meeting notes to the team space so they are easier to find.",
    "The numbers look reasonable, but the second quarter seems a little optimistic.",
    "Let me know if the new layout works better on smaller screens.",
    "Everything else from the checklist is done apart from the final sign-off.",
    "I will be out of the office on Thursday afternoon for a dentist appointment.",
    "The supplier confirmed the delivery window but not the exact time.",
    "Nobody objected to the proposal during the call, so we can go ahead.",
    "Remember to update the tracker once the ticket is closed.",
    "The old spreadsheet still has the formulas we need for the totals.",
    "We should double-check the figures with accounting before sending them out.",
    "Sorry for the delay, the train was stuck outside the station for an hour.",
    "I have attached the photos from the site visit for reference.",
    "The template needs a bigger logo and a clearer footer.",
    "If the weather holds we can do the team walk on Friday instead.",
    "The printer on the second floor is out of paper again.",
    "Can someone book a room with a projector for the workshop?",
    "Most of the feedback was about the onboarding steps being too long.",
    "I think we can reuse the slides from the spring event with a few edits.",
    "The release notes are almost ready; only the known issues section is missing.",
    "Let's keep the discussion in the thread so everybody can follow it.",
    "Reminder: timesheets are due by noon on the last working day of the month.",
    "The cafe downstairs now opens at half past seven.",
    "I'll send a calendar invite once I know who is available.",
    "The logs did not show anything unusual during the night.",
    "We need a second pair of eyes on the migration plan.",
]
CODE_WORDS = ["config", "items", "result", "payload", "buffer", "entry", "record", "batch", "client", "session"]


def sentences(r: random.Random, n: int) -> str:
    return " ".join(r.sample(SENTENCES, n))


def paragraphs(r: random.Random, n: int, per: int = 3) -> list[str]:
    return [sentences(r, per) for _ in range(n)]


def money(r: random.Random, low: int = 40, high: int = 3000) -> str:
    return f"{r.randint(low, high):,}.{r.randint(0, 99):02d}"


def people(r: random.Random, n: int) -> list[str]:
    return r.sample(PEOPLE, n)


def shell_noise(r: random.Random, n: int) -> list[str]:
    """Ordinary terminal output: directory listings, git lines, package noise."""
    out: list[str] = []
    for _ in range(n):
        pick = r.randrange(4)
        if pick == 0:
            out.append(
                f"-rw-r--r-- 1 dev dev {r.randint(200, 90000):>6} Nov {r.randint(2, 20):>2} "
                f"{r.randint(8, 18):02d}:{r.randint(0, 59):02d} {r.choice(CODE_WORDS)}_{r.randint(1, 9)}.py"
            )
        elif pick == 1:
            out.append(
                f"{r.getrandbits(28):07x} {r.choice(['Fix', 'Tidy', 'Add', 'Refactor', 'Document'])} "
                f"{r.choice(CODE_WORDS)} handling in {r.choice(CODE_WORDS)} module"
            )
        elif pick == 2:
            out.append(
                "  Downloading "
                f"{r.choice(CODE_WORDS)}-utils-{r.randint(1, 4)}.{r.randint(0, 19)}.{r.randint(0, 9)}.tar.gz "
                f"({r.randint(12, 900)} kB)"
            )
        else:
            out.append(
                f"INFO  {r.choice(CODE_WORDS)} worker {r.randint(1, 8)} "
                f"processed {r.randint(10, 999)} jobs in {r.randint(1, 60)} s"
            )
    return out
