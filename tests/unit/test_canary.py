"""Nothing a user imports may exist on disk in plaintext: scan every file (and the log) for a marker."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.api import Assistant
from assistant.values import SemanticMemory
from tests.conftest import PASSPHRASE

MARKER = "zq-canary-7f3a91-marmalade"


def assert_no_plaintext(root: Path, marker: str = MARKER) -> None:
    needles = [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    hits = [str(p) for p in root.rglob("*") if p.is_file() for needle in needles if needle in p.read_bytes()]
    assert hits == [], f"plaintext marker found in {hits}"


def test_imported_text_is_never_on_disk_in_plaintext(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "import.jsonl"
    source.write_text(
        json.dumps({"speaker": "me", "text": f"the secret word is {MARKER}", "time": "2024-01-01T10:00:00Z"}) + "\n",
        encoding="utf-8",
    )
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.memories.import_file(source, "jsonl")
    app.memories.add(SemanticMemory(name=MARKER, summary=f"about {MARKER}"))
    assert app.search.find(MARKER)  # it is there, and findable...
    app.backups.export(data_dir / "backups" / "b.zip")
    app.close()
    again = Assistant(data_dir)
    again.unlock(PASSPHRASE)
    assert again.search.find(MARKER)
    assert (data_dir / "logs" / "assistant.log").exists()
    assert_no_plaintext(data_dir)  # ...but only inside the encryption, WAL and log included
    again.close()
    assert_no_plaintext(data_dir)


def test_asked_questions_and_hand_typed_facts_stay_inside_the_encryption(data_dir: Path) -> None:
    """The paths the first-day fixes added: ask history read back (tags kept in the turn's meta), a fact
    typed in by hand, a question whose time phrase names what was talked about."""
    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    app.memories.add(SemanticMemory(name="guest house", summary=f"staying at {MARKER} in June"))
    answer = app.answers.ask(f"Where am I staying in June, {MARKER}?")
    assert answer.known and any(MARKER in a.question for a in app.answers.history())
    app.close()
    assert_no_plaintext(data_dir)


def test_episodes_waiting_for_the_model_stay_inside_the_encryption(data_dir: Path) -> None:
    """The model backlog keeps an episode's new lines until the model reads them (schema 4)."""
    from datetime import UTC, datetime

    from assistant.values import RawEvent
    from tests.fakes.episode_model import EpisodeModel
    from tests.unit.test_model_backlog import with_model

    app = Assistant(data_dir)
    app.init(PASSPHRASE)
    with_model(app, EpisodeModel())
    when = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    app.memories.add_events([RawEvent(kind="screen", occurred_at=when, app="Mail", text=f"reply to {MARKER} today")])
    app.consolidation.run(model_pass=False)
    assert app.status().model_backlog == 1  # waiting, with the marker in its lines...
    app.close()
    assert_no_plaintext(data_dir)  # ...inside the encryption only
