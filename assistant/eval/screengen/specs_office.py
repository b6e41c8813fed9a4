"""Forms and documents (PDFs, contracts, minutes, a payslip)."""

from __future__ import annotations

import random
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import paragraphs, sentences
from assistant.eval.screengen.spec import Spec


def forms(r: random.Random) -> list[Spec]:
    notes = [
        sentences(r, 3),
        sentences(r, 3),
        "Fields marked with an asterisk are required. We reply within three working days.",
    ]
    return [
        Spec(
            "form-address",
            "firefox",
            "Change of address - Citizen Services - Mozilla Firefox",
            partial(
                apps.form,
                title="Change of address - Citizen Services - Mozilla Firefox",
                heading="Report a change of address",
                fields=[
                    ("Full name *", "Rosa Alvarez"),
                    ("Date of move *", "14 November 2026"),
                    ("Previous address", "Kiln Lane 7, 3rd floor"),
                    ("New address *", "Orchard Row 22, flat 5"),
                    ("Postcode *", "HX4 9PL"),
                    ("Municipality", "Harbourton"),
                    ("Moving with", "2 adults, 1 child"),
                    ("Reference", "CS-MOVE-88213"),
                ],
                notes=notes,
            ),
            asks=[
                ("paraphrase", "Where did Rosa relocate to?", "Orchard Row 22, flat 5"),
                ("entity", "What reference did Citizen Services give the move?", "CS-MOVE-88213"),
            ],
        ),
        Spec(
            "form-expense",
            "Odoo",
            "Expense claim EXP-3391 - Odoo",
            partial(
                apps.form,
                title="Expense claim EXP-3391 - Odoo",
                heading="New expense claim",
                fields=[
                    ("Employee", "Hugo Brandt"),
                    ("Category", "Travel - rail"),
                    ("Amount", "EUR 187.40"),
                    ("Date", "2026-11-04"),
                    ("Project", "Quayside app"),
                    ("Approver", "Wiebke Sander"),
                    ("Description", "Return ticket Harbourton - Maastricht, 2nd class"),
                    ("Receipt", "ticket-0411.pdf"),
                ],
                notes=[sentences(r, 3), sentences(r, 3), sentences(r, 2)],
            ),
            theme="dark",
            asks=[
                ("numeric", "How much did Hugo claim for the rail trip?", "EUR 187.40"),
                ("entity", "Who approves Hugo's expense claim?", "Wiebke Sander"),
            ],
        ),
        Spec(
            "form-bug",
            "firefox",
            "New issue - tracker.fernhill.test - Mozilla Firefox",
            partial(
                apps.form,
                title="New issue - tracker.fernhill.test - Mozilla Firefox",
                heading="Report a bug",
                fields=[
                    ("Summary", "Export to CSV drops the last row when a filter is active"),
                    ("Component", "reports/export"),
                    ("Version", "4.12.3"),
                    ("Severity", "major"),
                    ("Browser", "Firefox 132, Debian 12"),
                    ("Assignee", "Kaito Mori"),
                    ("Steps", "Filter by region, export, compare row counts"),
                    ("Labels", "regression, csv"),
                ],
                notes=notes,
            ),
            asks=[
                ("lookup", "What was the summary of the CSV export bug I filed?", "Export to CSV drops the last row"),
                ("entity", "In which version does the CSV export bug appear?", "4.12.3"),
            ],
        ),
        Spec(
            "form-insurance",
            "firefox",
            "Claim form - Tidewell Insurance - Mozilla Firefox",
            partial(
                apps.form,
                title="Claim form - Tidewell Insurance - Mozilla Firefox",
                heading="Household claim",
                fields=[
                    ("Policy number", "TW-HH-5520917"),
                    ("Date of incident", "2 November 2026"),
                    ("What happened", "Water leak from washing machine hose"),
                    ("Rooms affected", "Kitchen, hallway"),
                    ("Estimated damage", "EUR 2,380"),
                    ("Contractor", "Dryfast Restoration"),
                    ("Contact phone", "+44 7700 900412"),
                    ("Preferred contact", "Email"),
                ],
                notes=notes,
            ),
            asks=[
                (
                    "paraphrase",
                    "What caused the damage in the kitchen according to my insurance claim?",
                    "Water leak from washing machine hose",
                ),
                ("entity", "What is my household insurance policy number?", "TW-HH-5520917"),
            ],
        ),
        Spec(
            "form-visa",
            "Evince",
            "travel-authorisation-form.pdf - Document Viewer",
            partial(
                apps.form,
                title="travel-authorisation-form.pdf - Document Viewer",
                heading="Business travel authorisation",
                fields=[
                    ("Traveller", "Nadia Rahman"),
                    ("Destination", "Trondheim, Norway"),
                    ("Dates", "7-10 December 2026"),
                    ("Purpose", "Cold-chain logistics workshop"),
                    ("Budget code", "LOG-7731"),
                    ("Flights", "via Oslo, economy"),
                    ("Per diem", "NOK 1,150"),
                    ("Signed", "Farid Haddad"),
                ],
                notes=[sentences(r, 3), sentences(r, 3), sentences(r, 2)],
            ),
            asks=[
                ("lookup", "Which budget code is Nadia's Trondheim trip charged to?", "LOG-7731"),
                ("paraphrase", "Why is Nadia travelling to Norway?", "Cold-chain logistics workshop"),
            ],
        ),
    ]


def documents(r: random.Random) -> list[Spec]:
    lease = [
        "## 1. Parties",
        "This agreement is made between Fernhill Estates Ltd (the Landlord) "
        "and Ines Duarte (the Tenant) for the residential unit described below.",
        "## 2. Premises",
        "Apartment 3B, Lantern Court, 41 Saltmarsh Road, Harbourton, including "
        "one storage locker (no. 17) and the use of the shared garden.",
        "## 3. Term",
        "The tenancy starts on 1 December 2026 and runs for twelve months, "
        "renewing monthly thereafter unless either party gives two months' notice.",
        "## 4. Rent and deposit",
        "Monthly rent: EUR 1,385, payable in advance on the first working day of "
        "each month. Security deposit: EUR 2,770, held in an approved scheme.",
        "Utilities are not included, except water and heating of the common areas. " + sentences(r, 2),
        "## 5. Pets and alterations",
        "One cat is permitted. The Tenant may not paint, drill or alter the premises without written consent. "
        + sentences(r, 2),
    ]
    minutes = [
        "Present: Ana Ferreira, Ben Okafor, Greta Lindqvist, Marco Bellini. Apologies: Sami Koski.",
        "## Decisions",
        "The Quayside app launch moves from 24 November to 8 December, "
        "because the payment provider needs another certification round.",
        "Budget for the winter campaign is capped at EUR 18,500; anything above that goes back to the board.",
        "## Actions",
        "Greta to draft the customer announcement by Friday. Ben to ask the payment provider for a written timeline. "
        + sentences(r, 2),
        "## Any other business",
        paragraphs(r, 1)[0],
    ]
    manual = [
        "## Restoring factory settings",
        "Press and hold the recessed RESET button on the back panel "
        "for 12 seconds, until the status light blinks amber twice.",
        "The router restarts with the default network name printed on "
        "the label underneath. The default admin address is 192.168.50.1.",
        "## Updating the firmware",
        "Open the admin page, choose System > Firmware and upload the image. Do "
        "not switch the router off during the update; it takes about four minutes.",
        "## Status light",
        "Solid green: connected. Blinking green: traffic. Solid amber: no uplink. "
        "Blinking red: overheating - move the router somewhere ventilated.",
        paragraphs(r, 1)[0],
    ]
    offer = [
        "Dear Priya Raman,",
        "We are pleased to offer you the position of Senior Data Engineer at Silverfin Labs, reporting to Tomas Horak.",
        "Your annual gross salary will be EUR 78,400, paid in twelve "
        "monthly instalments, with 28 days of paid leave per year.",
        "Your first working day is 4 January 2027. Please confirm your acceptance "
        "by signing and returning this letter before 30 November 2026.",
        sentences(r, 3),
        sentences(r, 3),
        "Kind regards, Human Resources, Silverfin Labs",
    ]
    paper = [
        "## Abstract",
        "We study how sea-spray aerosols affect the lifetime of outdoor solar inverters "
        "along the northern coast. Over 26 months, 48 inverters at 6 sites were monitored.",
        "Corrosion of the cooling fins was the dominant failure mode, reducing the median "
        "time between failures to 19 months near the shore against 41 months inland.",
        "## 1. Introduction",
        paragraphs(r, 1, 4)[0],
        paragraphs(r, 1, 4)[0],
        "## 2. Method",
        "Each site logged temperature, humidity and salt deposition "
        "every ten minutes; inverters were inspected every quarter. " + sentences(r, 2),
    ]
    recipe = [
        "Serves 4. Preparation 20 minutes, cooking 35 minutes.",
        "## Ingredients",
        "400 g pumpkin, 2 shallots, 1 clove garlic, 250 g arborio rice, 1 litre "
        "vegetable stock, 60 g grated hard cheese, 30 g butter, sage leaves.",
        "## Method",
        "Roast the pumpkin cubes at 200 degrees for 25 minutes. Sweat the "
        "shallots in butter, add the rice and toast it for two minutes.",
        "Add the stock a ladle at a time, stirring, for about 18 minutes. Fold in "
        "the pumpkin and cheese, rest for two minutes and serve with crisp sage.",
        sentences(r, 3),
    ]
    payslip = [
        "Employee: Hugo Brandt. Employee number 00417. Pay period: October 2026. Tax class 1.",
        "## Earnings",
        "Basic salary EUR 4,850.00. Overtime (6 h) EUR 231.60. Travel allowance EUR 60.00.",
        "## Deductions",
        "Income tax EUR 1,021.44. Social insurance EUR 707.49.",
        "## Total",
        "Net pay EUR 3,412.67, transferred on 30 October 2026.",
        "## Notes",
        *paragraphs(r, 2, 3),
    ]
    return [
        Spec(
            "doc-payslip",
            "Evince",
            "payslip-2026-10.pdf - Document Viewer",
            partial(
                apps.document,
                title="payslip-2026-10.pdf - Document Viewer",
                heading="Payslip October 2026",
                paragraphs=payslip,
                footer="Copperleaf Studio payroll",
            ),
            asks=[
                ("paraphrase", "How much did Hugo take home for October after deductions?", "EUR 3,412.67"),
                ("numeric", "How much overtime pay was on the October payslip?", "EUR 231.60"),
            ],
        ),
        Spec(
            "doc-lease",
            "Evince",
            "lease-lantern-court-3B.pdf - Document Viewer",
            partial(
                apps.document,
                title="lease-lantern-court-3B.pdf - Document Viewer",
                heading="Residential Tenancy Agreement",
                paragraphs=lease,
                footer="Page 1 of 6 - Fernhill Estates Ltd - reference FE-LC-3B-2026",
            ),
            asks=[
                ("paraphrase", "How much will the new apartment at Lantern Court cost me every month?", "EUR 1,385"),
                ("numeric", "How big is the security deposit for Lantern Court?", "EUR 2,770"),
                ("lookup", "Which storage locker comes with apartment 3B?", "no. 17"),
            ],
        ),
        Spec(
            "doc-minutes",
            "libreoffice-writer",
            "minutes-board-2026-11-12.odt - LibreOffice Writer",
            partial(
                apps.document,
                title="minutes-board-2026-11-12.odt - LibreOffice Writer",
                heading="Board meeting minutes, 12 November",
                paragraphs=minutes,
                footer="Confidential - internal",
            ),
            theme="sepia",
            asks=[
                (
                    "paraphrase",
                    "Why was the launch of the Quayside app postponed?",
                    "needs another certification round",
                ),
                ("numeric", "What is the spending limit for the winter campaign?", "EUR 18,500"),
            ],
        ),
        Spec(
            "doc-manual",
            "Evince",
            "router-ax3000-manual.pdf - Document Viewer",
            partial(
                apps.document,
                title="router-ax3000-manual.pdf - Document Viewer",
                heading="AX3000 user guide: maintenance",
                paragraphs=manual,
                footer="Page 37 of 52",
                size=14,
            ),
            asks=[
                ("numeric", "How long do I hold the reset button on the router?", "12 seconds"),
                ("entity", "What is the router's default admin address?", "192.168.50.1"),
                ("paraphrase", "What does it mean when the router light flashes red?", "overheating"),
            ],
        ),
        Spec(
            "doc-offer",
            "Evince",
            "offer-letter-silverfin.pdf - Document Viewer",
            partial(
                apps.document,
                title="offer-letter-silverfin.pdf - Document Viewer",
                heading="Offer of employment",
                paragraphs=offer,
                footer="Silverfin Labs - Page 1 of 2",
            ),
            asks=[
                ("paraphrase", "What yearly pay did Silverfin offer Priya?", "EUR 78,400"),
                ("lookup", "When does Priya start at Silverfin?", "4 January 2027"),
            ],
        ),
        Spec(
            "doc-paper",
            "Evince",
            "coastal-inverter-failures.pdf - Document Viewer",
            partial(
                apps.document,
                title="coastal-inverter-failures.pdf - Document Viewer",
                heading="Salt spray and the lifetime of solar inverters",
                paragraphs=paper,
                footer="Preprint - page 1",
                size=13,
            ),
            asks=[
                ("numeric", "How many inverters were monitored in the salt spray study?", "48 inverters"),
                ("lookup", "What was the main way the coastal inverters failed?", "Corrosion of the cooling fins"),
            ],
        ),
        Spec(
            "doc-recipe",
            "libreoffice-writer",
            "pumpkin-risotto.odt - LibreOffice Writer",
            partial(
                apps.document,
                title="pumpkin-risotto.odt - LibreOffice Writer",
                heading="Pumpkin risotto with crisp sage",
                paragraphs=recipe,
                footer="Family recipes",
            ),
            asks=[("numeric", "How much rice goes into the pumpkin risotto?", "250 g arborio rice")],
        ),
    ]
