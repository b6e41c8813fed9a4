"""Search: results as you type (debounced), grouped by type, filtered by type and date range."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.values import SearchHit
from ui.format import ALL_TYPES, TYPE_LABELS, qdate, short, when
from ui.session import Session
from ui.views.item_detail import ItemDetail

ID_ROLE = Qt.ItemDataRole.UserRole
DEBOUNCE_MS = 250
LIMIT = 50


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the machine's local zone."""
    start = datetime.combine(first, time(0)).astimezone()
    end = datetime.combine(last + timedelta(days=1), time(0)).astimezone()
    return start, end


class SearchView(QWidget):
    results_shown = Signal(int)  # number of hits on screen after each completed search

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.hits: list[SearchHit] = []
        self._generation = 0

        self.query = QLineEdit()
        self.query.setPlaceholderText("Search memories, chats and screen text…  (↓ to the results)")
        self.query.setClearButtonEnabled(True)
        self.query.textChanged.connect(self.schedule)
        self.query.installEventFilter(self)

        self.type_filter = QComboBox()
        self.type_filter.addItem("All types", "")
        for t in ALL_TYPES:
            self.type_filter.addItem(TYPE_LABELS[t], t)
        self.type_filter.currentIndexChanged.connect(self.search_now)

        self.use_dates = QCheckBox("Between")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self.search_now)
        self.use_dates.toggled.connect(self._dates_toggled)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Type"))
        filters.addWidget(self.type_filter)
        filters.addSpacing(12)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("and"))
        filters.addWidget(self.date_to)
        filters.addStretch(1)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: gray;")
        filters.addWidget(self.summary)

        self.results = QTreeWidget()
        self.results.setHeaderLabels(["Result", "When"])
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.results.currentItemChanged.connect(self._current_changed)
        self.results.itemActivated.connect(lambda item, _col: self._open(item))
        self.results.installEventFilter(self)

        self.detail = ItemDetail(session)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.results)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        session.data_changed.connect(self._refresh_if_visible)

    # -- querying ---------------------------------------------------------------------------------
    def focus_input(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def schedule(self) -> None:
        self._debounce.start()

    def selected_type(self) -> str:
        return str(self.type_filter.currentData() or "")

    def set_type(self, type_: str) -> None:
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(type_)))

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.search_now()

    def _refresh_if_visible(self) -> None:
        if self.isVisible() and self.query.text().strip():
            self.schedule()

    def search_now(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        text = self.query.text().strip()
        if not text:
            self._show([], generation)
            return
        types = [self.selected_type()] if self.selected_type() else None
        since = until = None
        if self.use_dates.isChecked():
            since, until = local_day_bounds(qdate(self.date_from.date()), qdate(self.date_to.date()))
        self.summary.setText("searching…")
        self.session.run(
            self.session.assistant.search.find,
            text,
            types=types,
            since=since,
            until=until,
            limit=LIMIT,
            name="search",
            owner=self,
            on_result=lambda hits: self._show(hits, generation),
            on_error=lambda exc: self._failed(exc, generation),
        )

    def _failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation:
            self.summary.setText(str(exc))

    def _show(self, hits: list[SearchHit], generation: int) -> None:
        if generation != self._generation:
            return  # a newer query is on its way; drop this stale answer
        self.hits = list(hits)
        self.results.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for hit in self.hits:  # groups appear in the order of their best hit
            group = groups.get(hit.type)
            if group is None:
                group = QTreeWidgetItem([TYPE_LABELS.get(hit.type, hit.type), ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                groups[hit.type] = group
                self.results.addTopLevelItem(group)
            item = QTreeWidgetItem([short(hit.text, 140), when(hit.occurred_at)])
            item.setData(0, ID_ROLE, hit.id)
            item.setToolTip(0, short(hit.text, 600))
            group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        self.results.expandAll()
        count = len(self.hits)
        self.summary.setText(
            ""
            if not self.query.text().strip()
            else "no matches"
            if not count
            else f"{count} result{'s' if count != 1 else ''}"
        )
        self.session.report_notes()  # e.g. how much of the vector index has loaded
        self.results_shown.emit(count)

    # -- results ----------------------------------------------------------------------------------
    def result_ids(self, type_: str | None = None) -> list[str]:
        return [h.id for h in self.hits if type_ is None or h.type == type_]

    def group_names(self) -> list[str]:
        items = (self.results.topLevelItem(i) for i in range(self.results.topLevelItemCount()))
        return [item.text(0) for item in items if item is not None]

    def _first_result(self) -> QTreeWidgetItem | None:
        top = self.results.topLevelItem(0)
        return top.child(0) if top is not None and top.childCount() else None

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, ID_ROLE):
            self.detail.show_item(str(item.data(0, ID_ROLE)))

    def _open(self, item: QTreeWidgetItem) -> None:
        if item.data(0, ID_ROLE):
            self.detail.show_item(str(item.data(0, ID_ROLE)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.query and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._debounce.isActive():
                    self.search_now()
                first = self._first_result()
                if first is not None:
                    self.results.setFocus()
                    self.results.setCurrentItem(first)
                return True
            if watched is self.results and key == Qt.Key.Key_Escape:
                self.query.setFocus()
                return True
            if watched is self.results and key == Qt.Key.Key_Up:
                current = self.results.currentItem()
                if current is not None and current is self._first_result():
                    self.query.setFocus()
                    return True
        return super().eventFilter(watched, event)
