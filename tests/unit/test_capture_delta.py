"""Delta storage of screen text: which frames are keyframes, what a delta frame keeps, and what the
in-memory state holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.capture.delta import HORIZON, KEYFRAME_EVERY, LineDeltas, ScreenText
from assistant.capture.frames import CapturedFrame, OcrStatus

T0 = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
CHAT = [f"message {i} about the harbour lantern budget" for i in range(12)]


def frame(
    text: str,
    seconds: float = 0.0,
    *,
    app: str = "Chat",
    title: str = "Team - Chat",
    monitor: int = 1,
    status: OcrStatus = "ok",
) -> CapturedFrame:
    return CapturedFrame(
        captured_at=T0 + timedelta(seconds=seconds),
        monitor=monitor,
        app=app,
        title=title,
        url=None,
        text=text if status == "ok" else "",
        ocr_words=len(text.split()),
        mean_conf=90.0,
        redactions=0,
        ocr_status=status,
    )


class Recorder:
    """LineDeltas as the FrameWriter drives it: plan, store under a fresh id, advance."""

    def __init__(self, deltas: LineDeltas | None = None) -> None:
        self.deltas = deltas or LineDeltas()
        self.n = 0

    def store(self, record: CapturedFrame) -> tuple[str, ScreenText]:
        planned = self.deltas.text_for(record)
        self.n += 1
        event_id = f"ev_{self.n}"
        self.deltas.stored(planned, event_id)
        return event_id, planned


def scrolled(lines: list[str], k: int, tag: str) -> list[str]:
    return [*lines[k:], *(f"new line {tag} {j} with words" for j in range(k))]


def test_a_scrolling_window_stores_only_its_new_lines_after_the_keyframe() -> None:
    rec = Recorder()
    first_id, first = rec.store(frame("\n".join(CHAT)))
    assert first.text == "\n".join(CHAT) and first.meta == {"lines": 12}
    lines = CHAT
    for i in range(1, 4):
        lines = scrolled(lines, 2, str(i))
        _, planned = rec.store(frame("\n".join(lines), 4.0 * i))
        assert planned.text == f"new line {i} 0 with words\nnew line {i} 1 with words"
        assert planned.meta == {"lines": 12, "keyframe": first_id}  # every delta names the keyframe


def test_blank_lines_and_indentation_do_not_count_as_changes() -> None:
    rec = Recorder()
    rec.store(frame("\n".join(CHAT)))
    _, planned = rec.store(frame("\n\n".join(f"  {line}" for line in CHAT) + "\nfresh line here", 3))
    assert planned.text == "fresh line here" and planned.meta["lines"] == 13


def test_a_new_window_a_pause_or_the_keyframe_age_start_a_keyframe() -> None:
    rec = Recorder()
    rec.store(frame("\n".join(CHAT)))
    _, other = rec.store(frame("\n".join(CHAT), 3, title="Other - Chat"))
    assert "keyframe" not in other.meta and other.text == "\n".join(CHAT)
    _, back = rec.store(frame("\n".join(CHAT), 6))  # back to the first title: a new block, a new keyframe
    assert "keyframe" not in back.meta
    _, after_gap = rec.store(frame("\n".join(CHAT), 6 + HORIZON.total_seconds() + 1))
    assert "keyframe" not in after_gap.meta

    rec = Recorder()
    rec.store(frame("\n".join(CHAT)))
    t = 0.0
    while t + 60 < KEYFRAME_EVERY.total_seconds():
        t += 60
        assert "keyframe" in rec.store(frame("\n".join(CHAT), t))[1].meta
    assert "keyframe" not in rec.store(frame("\n".join(CHAT), KEYFRAME_EVERY.total_seconds()))[1].meta


def test_a_mostly_new_screen_is_stored_whole() -> None:
    rec = Recorder()
    rec.store(frame("\n".join(CHAT)))
    half = scrolled(CHAT, 6, "h")
    assert "keyframe" in rec.store(frame("\n".join(half), 3))[1].meta  # 6 of 12 new: still a delta
    most = scrolled(half, 7, "m")
    _, planned = rec.store(frame("\n".join(most), 6))
    assert "keyframe" not in planned.meta and planned.text == "\n".join(most)


def test_monitors_keep_separate_chains() -> None:
    rec = Recorder()
    left_id, _ = rec.store(frame("\n".join(CHAT), monitor=1))
    right_id, right = rec.store(frame("\n".join(CHAT[:6]), monitor=2))
    assert "keyframe" not in right.meta
    assert rec.store(frame("\n".join([*CHAT, "left only"]), 3, monitor=1))[1].meta["keyframe"] == left_id
    assert rec.store(frame("\n".join([*CHAT[:6], "right"]), 3, monitor=2))[1].meta["keyframe"] == right_id


def test_frames_without_ocr_keep_the_chain_of_their_window_and_end_another_one() -> None:
    rec = Recorder()
    first_id, _ = rec.store(frame("\n".join(CHAT)))
    _, dropped = rec.store(frame("", 3, status="dropped"))
    assert (dropped.text, dropped.meta) == ("", {})
    _, planned = rec.store(frame("\n".join([*CHAT, "one more line"]), 6))
    assert planned.meta["keyframe"] == first_id and planned.text == "one more line"
    rec.store(frame("", 9, title="Elsewhere", status="unavailable"))
    assert "keyframe" not in rec.store(frame("\n".join(CHAT), 12))[1].meta


def test_the_state_moves_on_only_once_a_frame_is_stored() -> None:
    rec = Recorder()
    first_id, _ = rec.store(frame("\n".join(CHAT)))
    lost = rec.deltas.text_for(frame("\n".join([*CHAT, "written when the disk was full"]), 3))
    assert lost.text == "written when the disk was full"  # ...and never stored: no stored() call
    _, planned = rec.store(frame("\n".join([*CHAT, "written when the disk was full", "and after"]), 6))
    assert planned.text == "written when the disk was full\nand after"  # nothing the store lacks is skipped
    assert planned.meta["keyframe"] == first_id


def test_the_state_holds_hashes_not_text() -> None:
    rec = Recorder()
    rec.store(frame("\n".join(CHAT)))
    rec.store(frame("\n".join([*CHAT, "password [REDACTED:password] for the router"]), 3))
    state = repr(vars(rec.deltas))
    assert "harbour" not in state and "router" not in state and "Team - Chat" in state
