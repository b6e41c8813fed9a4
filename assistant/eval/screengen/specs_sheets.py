"""Spreadsheets: budgets, stock, timesheets, receivables, a bank register."""

from __future__ import annotations

import random
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import FIRMS, ITEMS, money, people
from assistant.eval.screengen.spec import Spec

CALC = "libreoffice-calc"


def sheets(r: random.Random) -> list[Spec]:
    expo = [
        ["Trade show stand Lyon", "5,000", "690", "4,310", "Larchfield Supplies"],
        ["Catering (2 days)", "2,180", "0", "2,180", "Harbourline Catering"],
        ["Printed brochures", "1,150", "400", "750", "Quillmark Press"],
        ["Freight to venue", "2,960", "1,000", "1,960", "Bluewater Freight"],
        ["Booth lighting", "840", "0", "840", "Pinecrest Audio"],
        ["Hotel, 3 nights x 4", "3,720", "930", "2,790", "Hotel Confluence"],
    ] + [
        [f"{r.choice(ITEMS)}", f"{r.randint(1, 9)}{r.randint(100, 999)}", "0", "-", r.choice(FIRMS)] for _ in range(14)
    ]
    household = [
        ["Monthly rent", "1,240.00", "1st of month", "standing order"],
        ["Electricity (Voltaro)", "74.15", "15th", "direct debit"],
        ["Broadband 500 Mbit", "36.99", "20th", "card"],
        ["Car insurance", "38.90", "3rd", "direct debit"],
        ["Gym membership", "29.50", "1st", "card"],
        ["Childcare (Little Acorns)", "612.00", "5th", "transfer"],
        ["Phone plan", "17.00", "11th", "card"],
        ["Streaming", "12.99", "9th", "card"],
        ["Council tax", "143.20", "1st", "direct debit"],
        ["Water", "31.45", "22nd", "direct debit"],
        ["Savings transfer", "400.00", "28th", "standing order"],
        *[
            [item, money(r, 5, 90), f"{r.randint(2, 28)}th", r.choice(["card", "cash", "transfer"])]
            for item in ITEMS[12:24]
        ],
    ]
    inventory = [
        [
            f"WD-{r.randint(1000, 3999)}-{r.choice(['BK', 'WH', 'GR'])}",
            r.choice(ITEMS),
            str(r.randint(0, 80)),
            "Aisle " + str(r.randint(1, 9)),
        ]
        for _ in range(30)
    ]
    inventory.insert(11, ["WD-4471-NW", "Walnut standing desk", "6", "Aisle 4"])
    inventory.insert(19, ["WD-4468-OK", "Oak bookcase, 5 shelves", "13", "Aisle 2"])
    hours = [
        ["Harbour portal", "31.5", "28.0", "35.0", "Ana Ferreira"],
        ["Quayside app", "6.0", "9.5", "2.0", "Dev Patel"],
        ["Internal tooling", "2.5", "3.0", "1.5", "Jonas Weber"],
        ["Holiday", "0.0", "8.0", "0.0", "-"],
    ]
    hours += [
        [
            f"Support rota {i}",
            f"{r.randint(1, 9)}.{r.choice([0, 5])}",
            f"{r.randint(1, 9)}.{r.choice([0, 5])}",
            f"{r.randint(1, 9)}.{r.choice([0, 5])}",
            r.choice(people(r, 3)),
        ]
        for i in range(1, 14)
    ]
    invoices = [
        [
            f"INV-2026-{r.randint(100, 399):04d}",
            r.choice(FIRMS),
            money(r),
            f"2026-{r.randint(6, 10):02d}-{r.randint(1, 28):02d}",
            "paid",
        ]
        for _ in range(24)
    ]
    invoices.insert(7, ["INV-2026-0418", "Copperleaf Studio", "2,645.00", "2026-10-02", "OVERDUE 38 days"])
    regions = [
        ["North", "182,400", "171,900", "+6.1%"],
        ["South", "96,050", "104,300", "-7.9%"],
        ["East", "143,780", "139,200", "+3.3%"],
        ["West", "121,615", "98,440", "+23.5%"],
        ["Online", "264,330", "201,870", "+30.9%"],
    ]
    regions += [
        [
            f"Partner {p.split()[1]}",
            f"{r.randint(10, 60)},{r.randint(100, 999)}",
            f"{r.randint(10, 60)},{r.randint(100, 999)}",
            f"{r.choice('+-')}{r.randint(1, 9)}.{r.randint(0, 9)}%",
        ]
        for p in people(r, 12)
    ]
    mileage = [
        [
            f"2026-10-{d:02d}",
            f"{r.choice(['Client visit', 'Site survey', 'Supplier meeting'])} "
            f"{r.choice(['Porto', 'Ghent', 'Turku', 'Bergen'])}",
            f"{r.randint(12, 240)} km",
            money(r, 5, 90),
        ]
        for d in range(1, 29)
    ]
    mileage.insert(9, ["2026-10-10", "Warehouse audit Kestrel Park", "386 km", "129.31"])
    bank = [
        [
            f"2026-11-{d:02d}",
            r.choice(["Card payment", "Direct debit", "Transfer in", "Card refund"]) + " " + r.choice(FIRMS),
            f"-{money(r, 5, 400)}",
        ]
        for d in range(2, 20)
    ]
    bank.insert(6, ["2026-11-07", "Standing order Harbour Rowing Club", "-58.25"])
    bank.insert(12, ["2026-11-12", "Transfer in Tidewell Insurance, household claim", "+1,904.00"])
    return [
        Spec(
            "sheet-bank",
            "gnucash",
            "Checking account - GnuCash",
            partial(
                apps.spreadsheet,
                title="Checking account - GnuCash",
                headers=["Date", "Description", "Amount (EUR)"],
                rows=bank,
                widths=[160, 720, 200],
                size=11,
                tabs=("Accounts", "Checking account"),
            ),
            theme="dark",
            asks=[
                ("numeric", "How much did the rowing club take from my account in November?", "-58.25"),
                ("paraphrase", "How much did the insurer pay me back for the water damage?", "+1,904.00"),
            ],
        ),
        Spec(
            "sheet-expo",
            CALC,
            "lyon-expo-budget.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="lyon-expo-budget.ods - LibreOffice Calc",
                headers=["Item", "Quoted (EUR)", "Deposit paid", "Balance due", "Supplier"],
                rows=expo,
                widths=[320, 170, 170, 170, 300],
                tabs=("Budget", "Contacts", "Timeline"),
                cell="D2",
            ),
            asks=[
                ("numeric", "How much is still owed for the trade show stand in Lyon?", "4,310"),
                ("paraphrase", "What did we plan to spend on food for the two days of the Lyon fair?", "2,180"),
                ("entity", "Which company prints the brochures for the Lyon expo?", "Quillmark Press"),
            ],
        ),
        Spec(
            "sheet-household",
            CALC,
            "household-2026.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="household-2026.ods - LibreOffice Calc",
                headers=["Outgoing", "Amount", "Due", "Paid by"],
                rows=household,
                widths=[340, 160, 160, 200],
                size=16,
                tabs=("Monthly", "Yearly", "Savings"),
            ),
            asks=[
                ("paraphrase", "What does my flat cost me each month?", "1,240.00"),
                ("numeric", "How much is the monthly electricity bill from Voltaro?", "74.15"),
                ("paraphrase", "How much do we pay for the kids' nursery?", "612.00"),
            ],
        ),
        Spec(
            "sheet-inventory",
            CALC,
            "warehouse-stock.xlsx - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="warehouse-stock.xlsx - LibreOffice Calc",
                headers=["SKU", "Product", "In stock", "Location"],
                rows=inventory,
                widths=[220, 380, 140, 160],
                size=13,
            ),
            theme="dark",
            asks=[
                ("entity", "What is the SKU of the walnut standing desk?", "WD-4471-NW"),
                ("lookup", "How many oak bookcases with 5 shelves are in stock, and where?", "Oak bookcase, 5 shelves"),
            ],
        ),
        Spec(
            "sheet-hours",
            CALC,
            "timesheet-week46.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="timesheet-week46.ods - LibreOffice Calc",
                headers=["Project", "Week 46", "Week 45", "Week 44", "Lead"],
                rows=hours,
                widths=[300, 140, 140, 140, 240],
            ),
            asks=[("numeric", "How many hours went to the Harbour portal project in week 46?", "31.5")],
        ),
        Spec(
            "sheet-invoices",
            CALC,
            "receivables-oct.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="receivables-oct.ods - LibreOffice Calc",
                headers=["Invoice", "Client", "Amount", "Issued", "Status"],
                rows=invoices,
                widths=[200, 300, 160, 160, 240],
                size=13,
            ),
            asks=[
                ("entity", "Which invoice number is overdue from Copperleaf Studio?", "INV-2026-0418"),
                (
                    "paraphrase",
                    "How late is the payment we are still waiting for from the design studio?",
                    "OVERDUE 38 days",
                ),
            ],
        ),
        Spec(
            "sheet-sales",
            CALC,
            "sales-q3-by-region.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="sales-q3-by-region.ods - LibreOffice Calc",
                headers=["Region", "Q3 2026", "Q3 2025", "Change"],
                rows=regions,
                widths=[260, 180, 180, 140],
                size=15,
            ),
            asks=[
                ("numeric", "What were the online sales in the third quarter?", "264,330"),
                ("paraphrase", "By how much did the West region grow compared with a year before?", "+23.5%"),
            ],
        ),
        Spec(
            "sheet-mileage",
            CALC,
            "mileage-claims-october.ods - LibreOffice Calc",
            partial(
                apps.spreadsheet,
                title="mileage-claims-october.ods - LibreOffice Calc",
                headers=["Date", "Trip", "Distance", "Claim (EUR)"],
                rows=mileage,
                widths=[160, 460, 100, 160],
                size=11,
            ),
            asks=[("numeric", "How many kilometres was the warehouse audit trip to Kestrel Park?", "386 km")],
        ),
    ]
