"""Hostile input: every importer, the query and date parsers, and search, fed random and broken data.

An import either succeeds with well-formed messages or fails with ImportFormatError naming the file
(short enough to read); never another exception, and a failed import leaves the store as it was.
Query parsing and search never raise, and the time parser never needs its catch-all.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.api import Assistant
from assistant.errors import ImportFormatError
from assistant.importers import common
from assistant.importers.registry import FORMATS, read_messages
from assistant.retrieval.timeparse import parse_time_range
from assistant.store.fulltext import match_expression
from tests.conftest import FIXTURES

FIXTURE_FILES = {
    "jsonl": FIXTURES / "chat.jsonl",
    "chatgpt": FIXTURES / "chatgpt_conversations.json",
    "locomo": FIXTURES / "locomo_sample.json",
}
MAX_MESSAGE = 600  # an error message is read by a person: it names the problem, it does not echo the input
FAST = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# -- strategies ----------------------------------------------------------------------------------------
nasty_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)  # NUL, controls, surrogates
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2024-05-02T09:15:00Z",
            "1:56 pm on 8 May, 2023",
            "9999-12-31T23:59:59",
            "0001-01-01",
            "",
            "\x00",
            "n1",
            "root",
            "user",
            "assistant",
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
TIME_PHRASES = [
    "yesterday",
    "last tuesday afternoon",
    "in May 2023",
    "two days ago",
    "99999 years ago",
    "between 1 Jan 2020 and 3 Feb 2020",
    "on 31 February",
    "this morning",
    "last 999 weeks",
    "in the summer of 2021",
    "2024-13-45",
    "since 0001-01-01",
    "9999-12-31",
    "a few minutes ago",
    "last year",
    "next week",
    "on the 3rd",
    "in 2099",
    "winter",
]


def _fixture_doc(fmt: str) -> Any:
    text = FIXTURE_FILES[fmt].read_text(encoding="utf-8")
    return [json.loads(x) for x in text.splitlines() if x.strip()] if fmt == "jsonl" else json.loads(text)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> str:
    """A real export with one node replaced by random JSON, or deleted: structure-aware fuzzing."""
    doc = copy.deepcopy(_fixture_doc(fmt))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        if not path:
            doc = draw(json_values)
            break
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    if fmt == "jsonl" and isinstance(doc, list):
        return "\n".join(json.dumps(x) for x in doc)
    return json.dumps(doc)


@st.composite
def damaged_bytes(draw: st.DrawFn, fmt: str) -> bytes:
    """A real export truncated, with bytes flipped, NULs or control characters inserted, or re-encoded."""
    data = FIXTURE_FILES[fmt].read_bytes()
    how = draw(st.sampled_from(["truncate", "flip", "insert", "utf16", "latin1", "bom"]))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "flip":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\x00", b"\x1b[2J", b"\r", b"\x7f\x80\xff", b"\\u0000", b"\xef\xbb\xbf"]))
        return data[:at] + junk + data[at:]
    if how == "utf16":
        return data.decode("utf-8").encode("utf-16")
    if how == "latin1":
        return data.decode("utf-8").replace("e", "\u00e9").encode("latin-1")
    return b"\xef\xbb\xbf" + data


def _or_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, json_values)


times = _or_junk(
    st.one_of(
        st.floats(allow_nan=True),
        st.integers(-(2**64), 2**64),
        st.sampled_from(["2024-05-02T09:15:00Z", "2024-05-02 09:15", "1714641480", "tomorrow"]),
    )
)
long_ids = st.text(alphabet="0123456789", min_size=4400, max_size=5000)  # past int()'s digit limit
ids = st.one_of(st.sampled_from(["root", "n1", "n2", "n3"]), long_ids)


def _drop_some(draw: st.DrawFn, obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if draw(st.integers(0, 5))}  # each key missing one time in six


@st.composite
def chatgpt_docs(draw: st.DrawFn) -> Any:
    """Conversation trees with every field sometimes missing or of the wrong type, ids sometimes huge."""

    def message() -> Any:
        return draw(
            _or_junk(
                st.fixed_dictionaries(
                    {
                        "id": _or_junk(ids),
                        "author": _or_junk(
                            st.fixed_dictionaries(
                                {"role": _or_junk(st.sampled_from(["user", "assistant", "system", "tool"]))}
                            )
                        ),
                        "content": _or_junk(
                            st.fixed_dictionaries(
                                {
                                    "parts": _or_junk(st.lists(_or_junk(st.text()), max_size=3)),
                                    "text": _or_junk(st.text()),
                                }
                            )
                        ),
                        "create_time": times,
                    }
                ).map(lambda d: _drop_some(draw, d))
            )
        )

    mapping = {
        draw(ids): _drop_some(draw, {"message": message(), "parent": draw(_or_junk(ids))})
        for _ in range(draw(st.integers(0, 4)))
    }
    conversation = _drop_some(
        draw,
        {
            "mapping": draw(_or_junk(st.just(mapping))),
            "current_node": draw(_or_junk(ids)),
            "title": draw(_or_junk(st.text())),
            "create_time": draw(times),
            "conversation_id": draw(_or_junk(ids)),
        },
    )
    return [conversation] if draw(st.booleans()) else draw(_or_junk(st.just([conversation])))


@st.composite
def locomo_docs(draw: st.DrawFn) -> Any:
    sessions = st.one_of(st.integers(0, 30).map(str), long_ids)
    conversation: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        key = f"session_{draw(sessions)}"
        conversation[key] = draw(
            _or_junk(
                st.lists(
                    _or_junk(
                        st.fixed_dictionaries(
                            {
                                "speaker": _or_junk(st.text(max_size=8)),
                                "dia_id": _or_junk(ids),
                                "text": _or_junk(st.text()),
                                "blip_caption": _or_junk(st.text(max_size=10)),
                            }
                        ).map(lambda d: _drop_some(draw, d))
                    ),
                    max_size=3,
                )
            )
        )
        conversation[f"{key}_date_time"] = draw(
            _or_junk(st.sampled_from(["1:56 pm on 8 May, 2023", "13:56 pm on 31 February, 2023", "", "8 May 2023"]))
        )
    sample = _drop_some(draw, {"sample_id": draw(_or_junk(ids)), "conversation": draw(_or_junk(st.just(conversation)))})
    return draw(st.sampled_from([sample, [sample], [sample, sample]]))


@st.composite
def jsonl_text(draw: st.DrawFn) -> str:
    line = st.fixed_dictionaries(
        {
            "speaker": _or_junk(st.text(max_size=8)),
            "text": _or_junk(st.text()),
            "time": times,
            "ref": _or_junk(ids),
            "conversation": _or_junk(ids),
        }
    )
    rows = draw(st.lists(_or_junk(line.map(lambda d: _drop_some(draw, d))), max_size=4))
    return "\n".join(json.dumps(r) for r in rows)


STRUCTURED = {"chatgpt": chatgpt_docs().map(json.dumps), "locomo": locomo_docs().map(json.dumps), "jsonl": jsonl_text()}
deep = st.integers(10, 200_000).map(lambda n: "[" * n + "]" * n)


def any_input(fmt: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        nasty_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        json_values.map(lambda v: json.dumps(v).encode()),
        deep.map(str.encode),
        mutated(fmt).map(str.encode),
        STRUCTURED[fmt].map(str.encode),
        STRUCTURED[fmt].map(str.encode),
        damaged_bytes(fmt),
    )


# -- the property every importer must have ----------------------------------------------------------------
def check_read(path: Path, fmt: str) -> list[common.ParsedMessage] | None:
    """read_messages either returns well-formed messages or raises a short ImportFormatError naming the file."""
    try:
        messages = read_messages(path, fmt)
    except ImportFormatError as exc:
        message = str(exc)
        assert path.name in message, message
        assert len(message) <= MAX_MESSAGE, f"an unreadable error message of {len(message)} characters"
        return None
    for m in messages:
        assert isinstance(m.speaker, str) and isinstance(m.text, str)
        assert m.occurred_at.tzinfo is not None
        event, key = m.to_event(fmt)
        assert len(event.text) <= common.MAX_TEXT and len(key) == 64
    return messages


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_importer_survives_hostile_files(fmt: str, scratch: Path) -> None:
    target = scratch / f"input.{fmt}"

    @FAST
    @given(any_input(fmt))
    def run(data: bytes) -> None:
        target.write_bytes(data)
        check_read(target, fmt)

    run()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_real_exports_still_import(fmt: str) -> None:
    assert check_read(FIXTURE_FILES[fmt], fmt)  # the property above is not met by refusing everything


def test_huge_strings_are_cut_not_refused(scratch: Path) -> None:
    target = scratch / "huge.jsonl"
    big = "x" * (3 * common.MAX_TEXT)
    target.write_text(
        json.dumps({"speaker": "me" * 10_000, "text": big, "time": "2024-01-01T00:00:00Z", "ref": "r" * 100_000})
        + "\n",
        encoding="utf-8",
    )
    messages = check_read(target, "jsonl")
    assert messages is not None and len(messages[0].to_event("jsonl")[0].text) == common.MAX_TEXT


def test_a_file_over_the_size_limit_is_refused_before_reading(scratch: Path) -> None:
    from assistant.importers import registry

    target = scratch / "sparse.jsonl"
    with target.open("wb") as fh:
        fh.truncate(registry.MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ImportFormatError, match="larger than 2 GiB"):
        read_messages(target, "jsonl")


# -- through the facade: all or nothing ---------------------------------------------------------------------
def _state(app: Assistant) -> tuple[int, int, int]:
    conn = app._core.store.db.reader()
    return (
        conn.execute("SELECT count(*) FROM raw_events").fetchone()[0],
        conn.execute("SELECT coalesce(max(seq), 0) FROM raw_events").fetchone()[0],
        conn.execute("SELECT count(*) FROM memories").fetchone()[0],
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_failed_import_changes_nothing(app: Assistant, fmt: str, scratch: Path) -> None:
    app.memories.import_file(FIXTURE_FILES["jsonl"], "jsonl")
    target = scratch / f"facade.{fmt}"

    @FAST
    @given(any_input(fmt))
    def run(data: bytes) -> None:
        target.write_bytes(data)
        before = _state(app)
        try:
            result = app.memories.import_file(target, fmt)
        except ImportFormatError:
            assert _state(app) == before
            return
        assert _state(app)[0] == before[0] + result.added

    run()


def test_a_bad_line_after_good_ones_imports_none_of_them(app: Assistant, scratch: Path) -> None:
    good = [json.dumps({"speaker": "me", "text": f"line {i}", "time": "2024-01-01T00:00:00Z"}) for i in range(50)]
    target = scratch / "late-error.jsonl"
    target.write_text("\n".join([*good, '{"speaker": "me", "text": "cut']), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"late-error\.jsonl, line 51"):
        app.memories.import_file(target, "jsonl")
    assert _state(app) == (0, 0, 0)


def test_a_store_failure_midway_rolls_the_whole_import_back(app: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.store import ingest

    calls = {"n": 0}
    real = ingest.add_events

    def failing(conn: Any, events: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(conn, events)

    monkeypatch.setattr(ingest, "add_events", failing)
    with pytest.raises(OSError):
        app.memories.import_file(FIXTURE_FILES["locomo"], "locomo")
    assert calls["n"] == 3 and _state(app) == (0, 0, 0)


# -- queries ------------------------------------------------------------------------------------------------
class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


queries = st.one_of(
    nasty_text,
    st.builds(lambda a, p, b: f"{a} {p} {b}", nasty_text, st.sampled_from(TIME_PHRASES), nasty_text),
    st.text(alphabet='"*():^-+NEARORAND{}[]', max_size=30),
)
nows = st.datetimes(min_value=datetime(1, 1, 8), max_value=datetime(9999, 12, 24), timezones=st.just(UTC))


@settings(max_examples=400, deadline=None)
@given(queries, nows, st.sampled_from(["UTC", "Europe/Lisbon", "Pacific/Kiritimati", "Not/AZone", "", "\x00"]))
def test_the_time_parser_never_raises_nor_needs_its_catch_all(text: str, now: datetime, tz: str) -> None:
    handler = _Errors()
    logger = logging.getLogger("assistant.retrieval.timeparse")
    logger.addHandler(handler)
    try:
        found = parse_time_range(text, now=now, tz=tz)
    finally:
        logger.removeHandler(handler)
    assert not handler.records, f"the time parser failed on {text!r} at {now}: {handler.records[0].exc_info}"
    if found is not None:
        assert isinstance(found.query, str)
        for bound in (found.since, found.until):
            assert bound is None or bound.tzinfo is not None
        if found.since is not None and found.until is not None:
            assert found.since < found.until


def test_match_expressions_are_valid_fts5_for_any_text(app: Assistant) -> None:
    conn = app._core.store.db.reader()

    @FAST
    @given(queries)
    def run(text: str) -> None:
        expr = match_expression(text)
        if expr is not None:
            conn.execute("SELECT count(*) FROM raw_fts WHERE raw_fts MATCH ?", (expr,)).fetchone()

    run()


def test_search_never_raises_on_any_text(app: Assistant) -> None:
    app.memories.import_file(FIXTURE_FILES["chatgpt"], "chatgpt")
    now = datetime(2024, 5, 10, tzinfo=UTC)

    @FAST
    @given(queries, st.integers(1, 50))
    def run(text: str, limit: int) -> None:
        hits = app.search.find(text, limit=limit, now=now)
        assert len(hits) <= limit

    run()
    assert app.search.find("sourdough", now=now + timedelta(days=1))  # and it still finds things
