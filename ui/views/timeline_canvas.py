"""The painted day: one lane per hour, activity blocks coloured per app, episodes as a band below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from assistant.values import ActivityBlock, TimelineEpisode
from ui.format import app_color, when

LABEL_W = 58
TOP = 8
MIN_BLOCK_MINUTES = 1.0  # a single capture still shows as a sliver you can click
ZOOMS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # times the fit-to-width scale


@dataclass(frozen=True)
class Segment:
    """The part of a block or episode that falls in one hour lane."""

    hour: int
    start_min: float  # minutes into the hour
    end_min: float
    index: int  # into blocks or episodes
    episode: bool


def split_by_hour(day_start: datetime, start: datetime, end: datetime, index: int, episode: bool) -> list[Segment]:
    first = max(0.0, (start - day_start).total_seconds() / 60)
    last = min(24 * 60.0, max((end - day_start).total_seconds() / 60, first + MIN_BLOCK_MINUTES))
    out: list[Segment] = []
    cursor = first
    while cursor < last:
        hour = int(cursor // 60)
        stop = min(last, (hour + 1) * 60.0)
        out.append(Segment(hour, cursor - hour * 60, stop - hour * 60, index, episode))
        cursor = stop
    return out


class TimelineCanvas(QWidget):
    block_clicked = Signal(int)
    episode_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day_start = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        self.blocks: list[ActivityBlock] = []
        self.episodes: list[TimelineEpisode] = []
        self.segments: list[Segment] = []
        self.selected: int | None = None
        self.zoom_index = 0
        self.fit_ppm = 10.0  # pixels per minute that fit the visible width; the view keeps it current
        self.lane_h = 40
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- data -------------------------------------------------------------------------------------
    def set_day(self, day_start: datetime, blocks: list[ActivityBlock], episodes: list[TimelineEpisode]) -> None:
        self.day_start, self.blocks, self.episodes = day_start, list(blocks), list(episodes)
        self.selected = None
        self.segments = [
            *(
                s
                for i, b in enumerate(self.blocks)
                for s in split_by_hour(day_start, b.start.astimezone(), b.end.astimezone(), i, False)
            ),
            *(
                s
                for i, e in enumerate(self.episodes)
                for s in split_by_hour(day_start, e.start.astimezone(), e.end.astimezone(), i, True)
            ),
        ]
        self.updateGeometry()
        self.update()

    def apps_in_lane(self, hour: int) -> list[str]:
        return [self.blocks[s.index].app for s in self.segments if s.hour == hour and not s.episode]

    def first_busy_hour(self) -> int | None:
        hours = [s.hour for s in self.segments]
        return min(hours) if hours else None

    # -- geometry ---------------------------------------------------------------------------------
    @property
    def ppm(self) -> float:
        return self.fit_ppm * ZOOMS[self.zoom_index]

    def fit_width(self, width: int) -> None:
        self.fit_ppm = max(4.0, (width - LABEL_W - 16) / 60)
        self.updateGeometry()
        self.update()

    def set_zoom(self, index: int) -> None:
        self.zoom_index = max(0, min(len(ZOOMS) - 1, index))
        self.lane_h = 40 + 4 * self.zoom_index
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(LABEL_W + 60 * self.ppm + 16), TOP * 2 + 24 * self.lane_h)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def lane_y(self, hour: int) -> float:
        return TOP + hour * self.lane_h

    def segment_rect(self, seg: Segment) -> QRectF:
        x0 = LABEL_W + seg.start_min * self.ppm
        x1 = LABEL_W + seg.end_min * self.ppm
        y = self.lane_y(seg.hour)
        if seg.episode:
            return QRectF(x0, y + self.lane_h - 9, max(x1 - x0, 3.0), 6)
        return QRectF(x0, y + 4, max(x1 - x0, 3.0), self.lane_h - 16)

    def segment_at(self, point: QPointF) -> Segment | None:
        for seg in reversed(self.segments):  # episodes are drawn last, so they win on overlap
            if self.segment_rect(seg).adjusted(0, -1, 0, 1).contains(point):
                return seg
        return None

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        pal = self.palette()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = LABEL_W + 60 * self.ppm
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        grid = QColor(pal.color(QPalette.ColorRole.Text))
        grid.setAlpha(40)
        faint = QColor(grid)
        faint.setAlpha(18)
        for hour in range(24):
            y = self.lane_y(hour)
            if hour % 2:
                p.fillRect(
                    QRectF(LABEL_W, y, width - LABEL_W, self.lane_h), pal.color(QPalette.ColorRole.AlternateBase)
                )
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(
                QRectF(0, y, LABEL_W - 8, self.lane_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{hour:02d}:00",
            )
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(LABEL_W, y), QPointF(width, y))
            p.setPen(QPen(faint, 1))
            for quarter in (15, 30, 45):
                x = LABEL_W + quarter * self.ppm
                p.drawLine(QPointF(x, y), QPointF(x, y + self.lane_h))
        p.setPen(QPen(grid, 1))
        p.drawLine(QPointF(LABEL_W, self.lane_y(24)), QPointF(width, self.lane_y(24)))
        metrics = QFontMetrics(self.font())
        for seg in self.segments:
            rect = self.segment_rect(seg)
            if seg.episode:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(pal.color(QPalette.ColorRole.Highlight))
                p.drawRoundedRect(rect, 3, 3)
                continue
            block = self.blocks[seg.index]
            color = app_color(block.app, pal)
            selected = seg.index == self.selected
            p.setPen(
                QPen(pal.color(QPalette.ColorRole.Highlight) if selected else color.darker(140), 2.5 if selected else 1)
            )
            p.setBrush(color)
            p.drawRoundedRect(rect, 4, 4)
            if rect.width() > 28:
                p.setPen(QColor("black") if color.lightness() > 140 else QColor("white"))
                label = block.app if not block.title else f"{block.app} · {block.title}"
                text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(rect.width() - 8))
                p.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, text)
        now = datetime.now().astimezone()
        if self.day_start <= now < self.day_start + timedelta(days=1):
            minutes = (now - self.day_start).total_seconds() / 60
            hour, minute = int(minutes // 60), minutes % 60
            x, y = LABEL_W + minute * self.ppm, self.lane_y(hour)
            p.setPen(QPen(QColor("#e0383e"), 2))
            p.drawLine(QPointF(x, y), QPointF(x, y + self.lane_h))
        p.end()

    # -- interaction ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        seg = self.segment_at(event.position())
        if seg is None:
            return super().mousePressEvent(event)
        if seg.episode:
            self.episode_clicked.emit(self.episodes[seg.index].id)
        else:
            self.select(seg.index)
        return None

    def select(self, index: int) -> None:
        self.selected = index
        self.update()
        self.block_clicked.emit(index)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            seg = self.segment_at(QPointF(event.pos()))
            if seg is None:
                QToolTip.hideText()
            elif seg.episode:
                ep = self.episodes[seg.index]
                QToolTip.showText(
                    event.globalPos(), f"Episode {when(ep.start, False)}–{when(ep.end, False)}\n{ep.summary}", self
                )
            else:
                b = self.blocks[seg.index]
                QToolTip.showText(
                    event.globalPos(),
                    f"{b.app} — {b.title}\n{when(b.start, False)}–{when(b.end, False)} · {len(b.event_ids)} capture(s)",
                    self,
                )
            return True
        return super().event(event)
