"""Timeline: a day at a time. Prev/next day, jump to a date, zoom; a block shows its text and memories."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QFont, QKeySequence, QPixmap, QShortcut, QTextCharFormat
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.values import ActivityBlock, Digest, RawEvent, Timeline
from ui.format import qdate, short, when
from ui.session import Session
from ui.views.item_detail import ItemDetail, esc, item_link
from ui.views.timeline_canvas import ZOOMS, TimelineCanvas

MAX_EVENTS_SHOWN = 200
THUMBNAILS_SHOWN = 3


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0)).astimezone()
    return start, datetime.combine(day + timedelta(days=1), time(0)).astimezone()


class TimelineView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.day: date = date.today()
        self.timeline: Timeline | None = None
        self.block_events: list[RawEvent] = []
        self._loaded: date | None = None

        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip("Previous day (Alt+Left)")
        self.prev_button.clicked.connect(lambda: self.show_day(self.day - timedelta(days=1)))
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip("Next day (Alt+Right)")
        self.next_button.clicked.connect(lambda: self.show_day(self.day + timedelta(days=1)))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        # No weekday in the field: a typed date whose weekday no longer matched was refused without a word.
        self.date_edit.setDisplayFormat("d MMMM yyyy")
        self.date_edit.setKeyboardTracking(False)  # typing "2023" goes to 2023 on Enter, not via year 2
        self.date_edit.setToolTip("Type a date and press Enter, or pick one (days with records are in bold)")
        self.date_edit.dateChanged.connect(lambda d: self.show_day(qdate(d)))
        self.weekday = QLabel()
        calendar = self.date_edit.calendarWidget()
        calendar.currentPageChanged.connect(self.mark_days)
        self.marked_days: set[date] = set()
        today = QPushButton("Today")
        today.setToolTip("Jump to today (Ctrl+T)")
        today.clicked.connect(lambda: self.show_day(date.today()))
        self.zoom_out = QToolButton()
        self.zoom_out.setText("−")
        self.zoom_out.setToolTip("Zoom out (Ctrl+-)")
        self.zoom_out.clicked.connect(lambda: self.zoom(-1))
        self.zoom_in = QToolButton()
        self.zoom_in.setText("+")
        self.zoom_in.setToolTip("Zoom in (Ctrl+=)")
        self.zoom_in.clicked.connect(lambda: self.zoom(1))
        self.summary = QLabel()
        self.summary.setStyleSheet("color: gray;")
        self.headline = QLabel()  # the day told in one line: time on screen and where it went
        self.headline.setWordWrap(True)

        bar = QHBoxLayout()
        for w in (self.prev_button, self.date_edit, self.weekday, self.next_button, today):
            bar.addWidget(w)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Zoom"))
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom_in)
        bar.addStretch(1)
        bar.addWidget(self.summary)

        self.canvas = TimelineCanvas()
        self.canvas.block_clicked.connect(self.show_block)
        self.canvas.episode_clicked.connect(self._open_item)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(False)

        self.block_view = QTextBrowser()
        self.block_view.setOpenLinks(False)
        self.block_view.document().setDocumentMargin(10)
        self.block_view.anchorClicked.connect(self._link)
        self.block_view.setPlaceholderText("Click a block to see what was on screen or said, and its memories.")
        self.thumbs = QHBoxLayout()
        self.thumbs.setSpacing(6)
        thumbs_box = QWidget()
        thumbs_box.setLayout(self.thumbs)
        self.detail = ItemDetail(session)
        side = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(thumbs_box)
        top_layout.addWidget(self.block_view, 1)
        side.addWidget(top)
        side.addWidget(self.detail)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.scroll_area)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.headline)
        layout.addWidget(splitter, 1)

        for keys, slot in (
            (QKeySequence("Alt+Left"), self.prev_button.click),
            (QKeySequence("Alt+Right"), self.next_button.click),
            (QKeySequence("Ctrl+T"), today.click),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in.click),
            (QKeySequence("Ctrl+="), self.zoom_in.click),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out.click),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        session.data_changed.connect(self._refresh_if_visible)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.canvas.fit_width(self.scroll_area.viewport().width())
        self.canvas.resize(self.canvas.sizeHint())

    # -- loading ----------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._fit()
        if self._loaded != self.day:
            self.reload()
        self.mark_days(self.day.year, self.day.month)  # new records may have come since

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._loaded = None

    def show_day(self, day: date) -> None:
        if day == self.day and self._loaded == day:
            return
        self.day = day
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.blockSignals(False)
        self.reload()

    def mark_days(self, year: int, month: int) -> None:
        """Bold the days of the calendar's month that have anything recorded."""
        start = day_bounds(date(year, month, 1))[0]
        end = day_bounds(date(year + month // 12, month % 12 + 1, 1))[0]
        self.session.run(
            self.session.assistant.timeline.days_with_data,
            start,
            end,
            name="calendar",
            owner=self,
            on_result=lambda days: self._marked(year, month, days),
        )

    def _marked(self, year: int, month: int, days: list[date]) -> None:
        calendar = self.date_edit.calendarWidget()
        for day in [d for d in self.marked_days if (d.year, d.month) == (year, month)]:
            calendar.setDateTextFormat(QDate(day.year, day.month, day.day), QTextCharFormat())
        self.marked_days = {d for d in self.marked_days if (d.year, d.month) != (year, month)} | set(days)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setForeground(self.palette().highlight())
        for day in days:
            calendar.setDateTextFormat(QDate(day.year, day.month, day.day), bold)

    def reload(self) -> None:
        day = self.day
        self._loaded = day
        start, end = day_bounds(day)
        self.weekday.setText(f"{day:%A}")
        self.summary.setText("loading…")
        self.session.run(
            self.session.assistant.timeline.between,
            start,
            end,
            name="timeline",
            owner=self,
            on_result=lambda t: self._show(day, t),
            on_error=lambda exc: self.summary.setText(str(exc)),
        )

    def _show(self, day: date, timeline: Timeline) -> None:
        if day != self.day:
            return
        self.timeline = timeline
        self.canvas.set_day(day_bounds(day)[0], timeline.blocks, timeline.episodes)
        self.canvas.resize(self.canvas.sizeHint())
        blocks, episodes = len(timeline.blocks), len(timeline.episodes)
        self.summary.setText(
            f"{blocks} block{'s' if blocks != 1 else ''}, {episodes} episode{'s' if episodes != 1 else ''}"
            if blocks or episodes
            else "nothing recorded this day"
        )
        first = self.canvas.first_busy_hour()
        if first is not None:
            self.scroll_area.verticalScrollBar().setValue(int(self.canvas.lane_y(max(0, first - 1))))
        self.block_view.clear()
        self._clear_thumbs()
        start, end = day_bounds(day)
        self.session.run(
            self.session.assistant.timeline.digest,
            start,
            end,
            name="day digest",
            owner=self,
            on_result=lambda told: self._show_digest(day, told),
        )

    def _show_digest(self, day: date, told: Digest) -> None:
        if day != self.day:
            return
        self.headline.setText(told.headline if not told.empty else "")
        self.headline.setToolTip(told.text if not told.empty else "")

    def zoom(self, step: int) -> None:
        self.canvas.set_zoom(self.canvas.zoom_index + step)
        self._fit()
        self.zoom_in.setEnabled(self.canvas.zoom_index < len(ZOOMS) - 1)
        self.zoom_out.setEnabled(self.canvas.zoom_index > 0)

    # -- a block ----------------------------------------------------------------------------------
    def show_block(self, index: int) -> None:
        block = self.canvas.blocks[index]
        ids = block.event_ids[:MAX_EVENTS_SHOWN]
        assistant = self.session.assistant

        def load() -> list[RawEvent]:
            return [assistant.memories.event(i) for i in ids]

        self.block_view.setHtml(self._block_html(block, None))
        self.session.run(
            load, name="block", owner=self, on_result=lambda events: self._block_loaded(index, block, events)
        )
        self._load_thumbs(block)

    def _block_loaded(self, index: int, block: ActivityBlock, events: list[RawEvent]) -> None:
        if self.canvas.selected != index:
            return
        self.block_events = events
        self.block_view.setHtml(self._block_html(block, events))

    def _block_html(self, block: ActivityBlock, events: list[RawEvent] | None) -> str:
        parts = [f"<h3>{esc(block.app)}</h3>"]
        if block.title:
            parts.append(f"<p><b>{esc(block.title)}</b></p>")
        parts.append(
            f"<p style='color:gray'>{esc(when(block.start))} – {esc(when(block.end, False))} · "
            f"{len(block.event_ids)} item(s)</p>"
        )
        overlapping = [
            e
            for e in (self.timeline.episodes if self.timeline else [])
            if e.start <= block.end and e.end >= block.start
        ]
        parts.append("<p><b>Memories</b></p>")
        if overlapping:
            parts.append(
                "<ul>"
                + "".join(f"<li><a href='{item_link(e.id)}'>{esc(short(e.summary, 120))}</a></li>" for e in overlapping)
                + "</ul>"
            )
        else:
            parts.append("<p style='color:gray'>No episode covers this yet (consolidation makes them).</p>")
        is_chat = block.app == "chat"
        parts.append(f"<p><b>{'Messages' if is_chat else 'Text on screen'}</b></p>")
        if events is None:
            parts.append("<p style='color:gray'>loading…</p>")
        for ev in events or []:
            head = f"{esc(ev.speaker)}: " if is_chat and ev.speaker else ""
            text = esc(ev.text).replace("\n", "<br>") or "<i style='color:gray'>(no text)</i>"
            parts.append(
                f"<p><a href='{item_link(ev.id)}' style='color:gray'>{esc(when(ev.occurred_at, False))}</a>"
                f" {head}{text}</p>"
            )
        if len(block.event_ids) > MAX_EVENTS_SHOWN:
            parts.append(f"<p style='color:gray'>… and {len(block.event_ids) - MAX_EVENTS_SHOWN} more</p>")
        return "".join(parts)

    def _clear_thumbs(self) -> None:
        while self.thumbs.count():
            item = self.thumbs.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _load_thumbs(self, block: ActivityBlock) -> None:
        self._clear_thumbs()
        if block.app == "chat" or not block.event_ids:
            return
        thumbnail = self.session.assistant.capture.thumbnail
        ids = block.event_ids
        picks = list(dict.fromkeys([ids[0], ids[len(ids) // 2], ids[-1]]))[:THUMBNAILS_SHOWN]

        def load() -> list[bytes]:
            return [data for data in (thumbnail(i) for i in picks) if data]

        self.session.run(load, name="thumbnails", owner=self, on_result=self._show_thumbs)

    def _show_thumbs(self, images: list[bytes]) -> None:
        self._clear_thumbs()
        for data in images:
            pixmap = QPixmap()
            if pixmap.loadFromData(data):
                label = QLabel()
                label.setPixmap(
                    pixmap.scaledToWidth(min(220, pixmap.width()), Qt.TransformationMode.SmoothTransformation)
                )
                self.thumbs.addWidget(label)
        self.thumbs.addStretch(1)

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("item:"):
            self._open_item(text.removeprefix("item:"))

    def _open_item(self, item_id: str) -> None:
        self.detail.show_item(item_id)
