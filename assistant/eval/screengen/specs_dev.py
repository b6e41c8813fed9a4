"""Code editors and terminals."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from functools import partial

from assistant.eval.screengen import apps
from assistant.eval.screengen.filler import CODE_WORDS, shell_noise
from assistant.eval.screengen.spec import Spec

CODE = "Code"
TERM = "gnome-terminal"


def _functions(r: random.Random, n: int) -> list[str]:
    out: list[str] = []
    for _ in range(n):
        a, b = r.sample(CODE_WORDS, 2)
        out += [
            f"def load_{a}({b}, *, strict=False):",
            f'    """Read the {a} for a {b}."""',
            f"    if not {b}:",
            "        return None",
            f"    return {b}.get('{a}', {r.randint(1, 99)})",
            "",
        ]
    return out


def editors(r: random.Random) -> list[Spec]:
    sync = [
        "import time",
        "import logging",
        "",
        "from harbour.http import Session",
        "",
        "log = logging.getLogger(__name__)",
        "",
        "MAX_RETRIES = 7",
        "BACKOFF_SECONDS = 2.5",
        "SYNC_ENDPOINT = '/v2/ledger/sync'",
        "",
        "",
        "class LedgerSync:",
        "    def __init__(self, session: Session) -> None:",
        "        self.session = session",
        "",
        "    def push(self, batch):",
        "        for attempt in range(MAX_RETRIES):",
        "            try:",
        "                return self.session.post(SYNC_ENDPOINT, json=batch)",
        "            except TimeoutError:",
        "                log.warning('sync timed out, attempt %d', attempt)",
        "                time.sleep(BACKOFF_SECONDS * 2 ** attempt)",
        "        raise RuntimeError('ledger sync gave up')",
        "",
        *_functions(r, 4),
    ]
    conf = [
        "# deployment settings for the quayside api",
        "server:",
        "  listen_port: 8443",
        "  workers: 6",
        "  request_timeout_s: 45",
        "database:",
        "  host: pg-replica-03.internal",
        "  name: quayside_prod",
        "  pool_size: 24",
        "cache:",
        "  backend: redis",
        "  ttl_minutes: 15",
        "features:",
        "  new_checkout: true",
        "  legacy_export: false",
        "logging:",
        "  level: info",
        "  retention_days: 30",
        *[f"  # {w}: reserved" for w in CODE_WORDS],
    ]
    sql = [
        "-- migration 0042: split customer addresses",
        "BEGIN;",
        "",
        "CREATE TABLE customer_address (",
        "    id BIGSERIAL PRIMARY KEY,",
        "    customer_id BIGINT NOT NULL REFERENCES customer(id),",
        "    kind TEXT NOT NULL CHECK (kind IN ('billing', 'shipping')),",
        "    line1 TEXT NOT NULL,",
        "    postcode TEXT,",
        "    country CHAR(2) NOT NULL DEFAULT 'NL'",
        ");",
        "",
        "CREATE INDEX customer_address_by_customer ON customer_address (customer_id);",
        "",
        "INSERT INTO customer_address (customer_id, kind, line1, postcode, country)",
        "SELECT id, 'billing', billing_line1, billing_postcode, billing_country FROM customer;",
        "",
        "ALTER TABLE customer DROP COLUMN billing_line1;",
        "COMMIT;",
    ]
    js = [
        "import { useEffect, useState } from 'react';",
        "",
        "const API_BASE = 'https://api.fernhill.test/v2';",
        "const PAGE_SIZE = 40;",
        "",
        "export function TenantList({ buildingId }) {",
        "  const [tenants, setTenants] = useState([]);",
        "  useEffect(() => {",
        "    fetch(`${API_BASE}/buildings/${buildingId}/tenants?limit=${PAGE_SIZE}`)",
        "      .then((res) => res.json())",
        "      .then(setTenants);",
        "  }, [buildingId]);",
        "",
        "  return (",
        '    <ul className="tenant-list">',
        "      {tenants.map((t) => (",
        "        <li key={t.id}>{t.name} - unit {t.unit}</li>",
        "      ))}",
        "    </ul>",
        "  );",
        "}",
        *[f"// TODO({w}): paginate" for w in CODE_WORDS[:6]],
    ]
    test = [
        "import pytest",
        "",
        "from billing.refunds import refund",
        "",
        "",
        "def test_refund_after_midnight_uses_the_booking_day(clock):",
        "    clock.set('2026-11-03T00:05:00')",
        "    result = refund(order_id='ORD-77120', amount='19.90')",
        "    assert result.booking_day == '2026-11-02'",
        "",
        "",
        "def test_partial_refund_keeps_the_fee(clock):",
        "    result = refund(order_id='ORD-77121', amount='5.00')",
        "    assert result.fee == '0.35'",
        "",
        *_functions(r, 3),
    ]
    files = [
        "harbour/",
        "  sync.py",
        "  http.py",
        "  models.py",
        "tests/",
        "  test_sync.py",
        "README.md",
        "pyproject.toml",
    ]
    return [
        Spec(
            "code-sync",
            CODE,
            "sync.py - harbour - Visual Studio Code",
            partial(
                apps.code_editor,
                title="sync.py - harbour - Visual Studio Code",
                files=files,
                path="harbour > sync.py",
                lines=sync,
                status="main  Ln 8, Col 16  Python 3.11",
            ),
            theme="dark",
            asks=[
                ("numeric", "How many times does the ledger sync retry before giving up?", "MAX_RETRIES = 7"),
                ("lookup", "Which endpoint does the ledger sync post to?", "/v2/ledger/sync"),
            ],
        ),
        Spec(
            "code-config",
            CODE,
            "deploy.yaml - quayside-api - Visual Studio Code",
            partial(
                apps.code_editor,
                title="deploy.yaml - quayside-api - Visual Studio Code",
                files=["deploy.yaml", "Dockerfile", "src/"],
                path="deploy.yaml",
                lines=conf,
                status="main  YAML",
                size=13,
            ),
            asks=[
                ("entity", "Which database host does the quayside API use in production?", "pg-replica-03.internal"),
                ("numeric", "What port does the quayside API listen on?", "8443"),
            ],
        ),
        Spec(
            "code-sql",
            "jetbrains-datagrip",
            "0042_split_addresses.sql - DataGrip",
            partial(
                apps.code_editor,
                title="0042_split_addresses.sql - DataGrip",
                files=["migrations/", "  0041_orders.sql", "  0042_split_addresses.sql"],
                path="migrations/0042_split_addresses.sql",
                lines=sql,
                status="PostgreSQL 16",
            ),
            asks=[
                ("lookup", "What table does migration 0042 create?", "CREATE TABLE customer_address"),
                ("paraphrase", "What country do addresses default to when none is given?", "DEFAULT 'NL'"),
            ],
        ),
        Spec(
            "code-js",
            CODE,
            "TenantList.jsx - fernhill-web - Visual Studio Code",
            partial(
                apps.code_editor,
                title="TenantList.jsx - fernhill-web - Visual Studio Code",
                files=["src/", "  TenantList.jsx", "  api.js"],
                path="src > TenantList.jsx",
                lines=js,
                status="main  JavaScript React",
            ),
            asks=[
                ("entity", "What is the API base URL in the tenant list component?", "https://api.fernhill.test/v2"),
                ("numeric", "How many tenants does one page of the tenant list load?", "PAGE_SIZE = 40"),
            ],
        ),
        Spec(
            "code-test",
            "jetbrains-pycharm",
            "test_refunds.py - billing - PyCharm",
            partial(
                apps.code_editor,
                title="test_refunds.py - billing - PyCharm",
                files=["billing/", "tests/", "  test_refunds.py"],
                path="tests/test_refunds.py",
                lines=test,
                status="Python 3.12",
                size=12,
            ),
            theme="dark",
            asks=[("entity", "Which order id does the midnight refund test use?", "ORD-77120")],
        ),
    ]


def terminals(r: random.Random) -> list[Spec]:
    def df(used: str, pct: str, host: str) -> list[str]:
        return [
            f"dev@{host}:~$ df -h",
            "Filesystem      Size  Used Avail Use% Mounted on",
            "/dev/nvme0n1p2  468G  201G  244G  46% /",
            "tmpfs           7.8G  2.1M  7.8G   1% /run",
            f"/dev/sdb1       1.8T  {used}  {pct} /srv/backups",
            "/dev/sdc1       3.6T  2.9T  540G  85% /srv/media",
            f"dev@{host}:~$ du -sh /srv/backups/* | sort -h | tail -4",
            *[f"{r.randint(20, 90)}G\t/srv/backups/{w}" for w in r.sample(CODE_WORDS, 4)],
            f"dev@{host}:~$ ",
            *shell_noise(r, 22),
        ]

    build = [
        *shell_noise(r, 28),
        "dev@laptop:~/harbour$ ssh build-runner-12",
        "Welcome to build-runner-12 (Debian 12)",
        "build@build-runner-12:~$ ./ci/run-nightly.sh",
        "[nightly] fetching sources ... done",
        "[nightly] restoring cache (4.1 GB) ... done",
        "[nightly] compiling 1,284 units",
        "error: failed to write /var/cache/ci/obj/ledger.o: No space left on device",
        "[nightly] FAILED after 17m 42s (exit code 28)",
        "build@build-runner-12:~$ ",
    ]
    git = [
        "dev@laptop:~/billing$ git log --oneline -12",
        "a3f9c21 Fix rounding in invoice totals for zero-rated items",
        *[line for line in shell_noise(r, 60) if line[0] in "0123456789abcdef" and " " in line][:9],
        *shell_noise(r, 20),
        "e07b5d4 Bump version to 4.12.2",
        "dev@laptop:~/billing$ git show --stat a3f9c21 | head -3",
        "commit a3f9c21  Author: Kaito Mori  Date: Tue Nov 10 16:02",
        " billing/totals.py | 14 +++++++-------",
        "dev@laptop:~/billing$ ",
    ]
    ping = [
        "dev@laptop:~$ ping -c 3 nas.home.arpa",
        "PING nas.home.arpa (10.42.7.19) 56(84) bytes of data.",
        *[f"64 bytes from 10.42.7.19: icmp_seq={i} ttl=64 time=0.{r.randint(300, 900)} ms" for i in (1, 2, 3)],
        "--- nas.home.arpa ping statistics ---",
        "3 packets transmitted, 3 received, 0% packet loss",
        "dev@laptop:~$ ssh admin@nas.home.arpa uptime",
        " 09:41:07 up 213 days,  4:12,  1 user,  load average: 0.31",
        *shell_noise(r, 28),
        "dev@laptop:~$ ",
    ]
    pytest = [
        "dev@laptop:~/billing$ pytest -q",
        *["." * r.randint(40, 70) for _ in range(6)],
        "FAILED tests/test_refunds.py::test_refund_rounds_half_up - AssertionError: '0.40' != '0.35'",
        "1 failed, 412 passed, 3 skipped in 48.21s",
        *shell_noise(r, 24),
        "dev@laptop:~/billing$ ",
    ]
    top = [
        "top - 14:22:09 up 6 days,  load average: 3.84, 3.10, 2.77",
        "Tasks: 312 total,   3 running",
        "MiB Mem :  15872.4 total,    402.6 free,  13911.0 used",
        "    PID USER      %CPU  %MEM     RES COMMAND",
        "  48213 dev        96.4  41.7    6.5g thumbnailer-worker",
        *[
            f"  {r.randint(1000, 60000):>5} dev        {r.randint(0, 9)}.{r.randint(0, 9)} "
            f"  {r.randint(0, 4)}.{r.randint(0, 9)}  {r.randint(20, 900)}m {w}-daemon"
            for w in CODE_WORDS
        ],
        *shell_noise(r, 14),
    ]
    when = datetime
    return [
        Spec(
            "term-df-1",
            TERM,
            "dev@backup-01: ~",
            partial(apps.terminal, title="dev@backup-01: ~", lines=df("1.6T  212G  89%", "", "backup-01")),
            at=when(2026, 11, 11, 10, 20, tzinfo=UTC),
            asks=[("time", "How much space was left on /srv/backups when I checked on 11 November?", "212G")],
        ),
        Spec(
            "term-df-2",
            TERM,
            "dev@backup-01: ~",
            partial(apps.terminal, title="dev@backup-01: ~", lines=df("1.1T  705G  61%", "", "backup-01")),
            at=when(2026, 11, 18, 15, 5, tzinfo=UTC),
            asks=[("time", "How much space was free on /srv/backups when I looked on Wednesday afternoon?", "705G")],
        ),
        Spec(
            "term-build",
            TERM,
            "build@build-runner-12: ~",
            partial(apps.terminal, title="build@build-runner-12: ~", lines=build, size=14),
            theme="dark",
            asks=[
                ("entity", "Which build machine ran out of disk space during the nightly?", "build-runner-12"),
                ("paraphrase", "Why did the nightly build break?", "No space left on device"),
            ],
        ),
        Spec(
            "term-git",
            TERM,
            "dev@laptop: ~/billing",
            partial(apps.terminal, title="dev@laptop: ~/billing", lines=git),
            theme="dark",
            asks=[("entity", "Which commit fixed the rounding of invoice totals?", "a3f9c21")],
        ),
        Spec(
            "term-ping",
            "kitty",
            "dev@laptop: ~ (kitty)",
            partial(apps.terminal, title="dev@laptop: ~ (kitty)", lines=ping, size=13),
            asks=[
                ("entity", "What IP address does the NAS have on the home network?", "10.42.7.19"),
                ("paraphrase", "How long has the NAS been running without a reboot?", "213 days"),
            ],
        ),
        Spec(
            "term-pytest",
            TERM,
            "dev@laptop: ~/billing (pytest)",
            partial(apps.terminal, title="dev@laptop: ~/billing (pytest)", lines=pytest),
            asks=[
                ("lookup", "Which billing test failed in the last pytest run?", "test_refund_rounds_half_up"),
                ("numeric", "How many tests passed in the billing suite?", "412 passed"),
            ],
        ),
        Spec(
            "term-top",
            "xterm",
            "top - dev@render-04",
            partial(apps.terminal, title="top - dev@render-04", lines=top, size=12),
            theme="dark",
            asks=[
                ("paraphrase", "Which process was eating most of the memory on the render box?", "thumbnailer-worker")
            ],
        ),
    ]
