"""Screens full of identifiers that look random and are not secrets: file names with hex, base32 or
mixed-case parts (a downloaded copy's " (1)" included), commit hashes, an image digest, order and
tracking numbers, UUIDs in URLs. Redaction must leave them readable: the report counts every
`[REDACTED:...]` in the stored text, and some questions can only be answered if they survive."""

from __future__ import annotations

import random
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import paragraphs, shell_noise
from assistant.eval.screengen.spec import Spec
from assistant.eval.screengen.specs_web import page

# No 0/O, 1/l/I: the look-alikes test redaction, not how OCR tells those glyphs apart.
SCAN = "Scan_8FjK2LmQ9xRt4VbN7cWz5HpD"
DIGEST = "sha256:9d2e4b7c3a5f8e6d4c2b7a9f3e5d8c6b4a2f7e9d3c5b8a6f4e2d7c9b3a5f8e6d"
WARRANTY_TITLE = f"{SCAN} (1).pdf - Document Viewer"
DEPLOY_TITLE = "dev@laptop: ~/quayside (deploy)"
CLAIM_SUBJECT = "Water damage claim HM-20417: photos"


def _warranty(r: random.Random) -> list[str]:
    return [
        "## Appliance",
        "Thermara ecoTEC 832 combination boiler, serial TH-832-5547-QZ, in the utility room at Mill Street 14.",
        "## Cover",
        "Parts and labour are covered until 30 September 2031 when the boiler is serviced every year by a "
        "registered engineer. Keep the service record with this certificate.",
        f"This copy was scanned at the office printer and saved as {SCAN}.pdf; the original is in the blue folder.",
        "## Notes",
        *paragraphs(r, 2),
    ]


def _deploy(r: random.Random) -> list[str]:
    return [
        *shell_noise(r, 8),
        "dev@laptop:~/quayside$ git log --oneline -5",
        "e81b4d7 (HEAD -> main, tag: v3.8.2) Bump payment SDK to 5.2",
        "5c0f3a9 Retry webhook delivery with jitter",
        "b7d2e64 Store receipts as PDF/A",
        "2a9c8f1 Drop the legacy export endpoint",
        "f4e6b3d Merge pull request #912 from mina/fix-vat-display",
        "dev@laptop:~/quayside$ docker images --digests registry.fernhill.test/quayside/api",
        "REPOSITORY                              TAG      DIGEST",
        f"registry.fernhill.test/quayside/api     3.8.2    {DIGEST}",
        "dev@laptop:~/quayside$ kubectl -n shop rollout status deploy/quayside-api",
        'deployment "quayside-api" successfully rolled out',
        "dev@laptop:~/quayside$ ",
    ]


def _order() -> list[str]:
    return [
        "Order 304-7718265-9910342, placed by Rosa Alvarez.",
        "Standing desk Frame E2 with an oak top, 160 x 80 cm: EUR 689.00. Cable tray: EUR 39.00.",
        "## Delivery",
        "Shipped with Nordpost, tracking number NP7K2Q9X4M3CZ. Track it at "
        "https://track.nordpost.test/p/5e8d2c4a-7b1f-4a93-9c6e-3f0b8d1a2e47 and expect two parcels.",
    ]


def _claim_photos(r: random.Random) -> list[str]:
    return [
        "Hello, as asked on the phone here are the photos of the kitchen ceiling and the surveyor's report.",
        "Attached: IMG_20261104_093015.jpg (ceiling, 3.1 MB), IMG_20261104_093102.jpg (wall, 2.8 MB), "
        "surveyor-report-MFRGGZDFMZTWQ2LK.pdf (412 KB).",
        "The upload page you sent, https://claims.harbour-mutual.test/upload/3b1f8e2a-6c4d-4e9a-b7f0-2d5c8a1e9f63, "
        "did not accept the report, hence the mail.",
        *paragraphs(r, 1),
        "Kind regards, Rosa Alvarez",
    ]


def lookalikes(r: random.Random) -> list[Spec]:
    sent = [
        ("Harbour Mutual claims", CLAIM_SUBJECT, "Nov 12"),
        ("Lindqvist Home", "Your order is on its way", "Nov 11"),
        ("Westbrook Primary School", "Permission slip", "Nov 10"),
    ]
    return [
        Spec(
            "doc-scan-warranty",
            "Evince",
            WARRANTY_TITLE,
            partial(
                apps.document,
                title=WARRANTY_TITLE,
                heading="Boiler warranty certificate",
                paragraphs=_warranty(r),
                footer="Thermara Heating - warranty registration WR-58213-KT",
            ),
            asks=[
                ("paraphrase", "Until when is the boiler covered for parts and labour?", "30 September 2031"),
                ("entity", "What is the scanned boiler warranty PDF called?", SCAN),
            ],
        ),
        Spec(
            "term-deploy",
            "gnome-terminal",
            DEPLOY_TITLE,
            partial(apps.terminal, title=DEPLOY_TITLE, lines=_deploy(r)),
            theme="dark",
            asks=[
                ("entity", "Which commit bumped the payment SDK to 5.2?", "e81b4d7"),
                ("lookup", "What digest did the quayside api image 3.8.2 have?", DIGEST),
            ],
        ),
        page(
            "web-order-desk",
            "Lindqvist Home",
            "https://shop.lindqvist.test/account/orders/7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "Order 304-7718265-9910342",
            _order(),
            ["Your account", "Orders", "Addresses", "Gift cards", "Help", "Assembly videos for Frame E2"],
            asks=[
                ("numeric", "What was the order number of the standing desk?", "304-7718265-9910342"),
                ("entity", "Which tracking number did Nordpost give the desk delivery?", "NP7K2Q9X4M3CZ"),
            ],
        ),
        Spec(
            "mail-claim-photos",
            "thunderbird",
            f"{CLAIM_SUBJECT} - Sent - Thunderbird",
            partial(
                apps.mail,
                title=f"{CLAIM_SUBJECT} - Sent - Thunderbird",
                folders=["Inbox (3)", "Drafts", "Sent", "Archive", "Receipts"],
                inbox=sent,
                header=[("From", "me"), ("To", "Harbour Mutual claims"), ("Subject", CLAIM_SUBJECT)],
                body=_claim_photos(r),
            ),
            asks=[
                (
                    "lookup",
                    "Which photo of the kitchen ceiling did I send with the water damage claim?",
                    "IMG_20261104_093015.jpg",
                )
            ],
        ),
    ]
