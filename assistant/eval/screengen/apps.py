"""App layouts: each draws one kind of window full screen (its own title bar, menus, panes) on a Canvas.

Sizes in pixels at 1920x1080; `size` is the body font size (small fonts test OCR, as real screens do).
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.eval.screengen.canvas import HEIGHT, WIDTH, Canvas

Row = Sequence[str]


def chrome(c: Canvas, title: str, menus: str = "File  Edit  View  Go  Tools  Help") -> int:
    """A title bar and a menu bar; returns the y where the app's content starts."""
    t = c.theme
    c.box(0, 0, WIDTH, 34, fill=t.panel)
    c.text(WIDTH // 2 - len(title) * 4, 8, title, 15, bold=True)
    c.box(0, 34, WIDTH, 64, fill=t.bg, outline=t.line)
    c.text(16, 41, menus, 14, color=t.muted)
    return 72


def spreadsheet(
    c: Canvas,
    title: str,
    headers: Row,
    rows: Sequence[Row],
    widths: Sequence[int],
    size: int = 14,
    tabs: Row = ("Sheet1",),
    cell: str = "A1",
) -> None:
    t = c.theme
    y = chrome(c, title, "File  Edit  View  Insert  Format  Styles  Sheet  Data  Tools  Window  Help")
    c.text(12, y, cell, 13, color=t.muted)
    c.box(0, y + 24, WIDTH, y + 26, fill=t.line)
    y += 34
    row_h = int(size * 1.75)
    x0 = 56
    c.box(0, y, WIDTH, y + row_h, fill=t.panel)
    x = x0
    for i, w in enumerate(widths):
        c.text(x + w // 2 - 5, y + 3, chr(ord("A") + i), 13, color=t.muted)
        x += w
    y += row_h
    for n, row in enumerate([headers, *rows], start=1):
        if y + row_h > HEIGHT - 40:
            break
        c.text(14, y + 3, str(n), 13, color=t.muted)
        c.box(x0, y + row_h - 1, WIDTH, y + row_h - 1, fill=t.line)
        x = x0
        for value, w in zip(row, widths, strict=False):
            numeric = value[:1].isdigit() or value[:1] in "-€$£"
            tx = x + w - 8 - int(len(value) * size * 0.6) if numeric and n > 1 else x + 6
            c.text(tx, y + 3, value, size, bold=n == 1)
            x += w
        y += row_h
    c.box(0, HEIGHT - 34, WIDTH, HEIGHT, fill=t.panel)
    x = 16
    for tab in tabs:
        x = c.text(x, HEIGHT - 27, tab, 13) + 30


def code_editor(
    c: Canvas, title: str, files: Row, path: str, lines: Sequence[str], size: int = 14, status: str = ""
) -> None:
    t = c.theme
    y = chrome(c, title, "File  Edit  Selection  View  Go  Run  Terminal  Help")
    c.box(0, y, 300, HEIGHT, fill=t.panel)
    c.text(16, y + 8, "EXPLORER", 12, bold=True, color=t.muted)
    for i, name in enumerate(files):
        c.text(28, y + 36 + i * 24, name, 13)
    c.text(320, y + 6, path, 13, color=t.muted)
    line_h = int(size * 1.55)
    yy = y + 36
    for n, line in enumerate(lines, start=1):
        if yy + line_h > HEIGHT - 36:
            break
        c.text(318, yy, f"{n:>3}", size, mono=True, color=t.muted)
        c.text(372, yy, line, size, mono=True)
        yy += line_h
    c.box(0, HEIGHT - 28, WIDTH, HEIGHT, fill=t.accent)
    c.text(12, HEIGHT - 23, status, 13, color="#ffffff")


def terminal(c: Canvas, title: str, lines: Sequence[str], size: int = 15) -> None:
    y = chrome(c, title, "File  Edit  View  Search  Terminal  Help")
    line_h = int(size * 1.45)
    visible = (HEIGHT - y - 10) // line_h
    for line in list(lines)[-visible:]:
        c.text(12, y, line, size, mono=True)
        y += line_h


def mail(
    c: Canvas,
    title: str,
    folders: Row,
    inbox: Sequence[Row],
    header: Sequence[Row],
    body: Sequence[str],
    size: int = 14,
) -> None:
    """folders | message list (sender, subject, date) | open message (header rows, body paragraphs)."""
    t = c.theme
    y = chrome(c, title, "File  Edit  View  Go  Message  Tools  Help")
    c.box(0, y, 230, HEIGHT, fill=t.panel)
    for i, name in enumerate(folders):
        c.text(18, y + 12 + i * 28, name, 14, bold=i == 0)
    yy = y + 8
    for i, (sender, subject, when) in enumerate(inbox):
        if i == 0:
            c.box(232, yy - 4, 900, yy + 42, fill=t.select)
        c.text(246, yy, sender, 13, bold=True)
        c.text(800, yy, when, 12, color=t.muted)
        c.text(246, yy + 20, subject, 13)
        yy += 52
        if yy > HEIGHT - 60:
            break
    c.box(902, y, 904, HEIGHT, fill=t.line)
    yy = y + 14
    for label, value in header:
        c.text(930, yy, f"{label}:", 13, color=t.muted)
        c.text(1010, yy, value, 14, bold=label == "Subject")
        yy += 26
    yy += 16
    for para in body:
        yy = c.paragraph(930, yy, para, 940, size) + 10


def chat(c: Canvas, title: str, channels: Row, channel: str, messages: Sequence[Row], size: int = 14) -> None:
    """channels | messages (who, time, text)."""
    t = c.theme
    y = chrome(c, title, "File  Edit  View  Go  Window  Help")
    c.box(0, y, 260, HEIGHT, fill=t.panel)
    for i, name in enumerate(channels):
        c.text(20, y + 14 + i * 28, name, 14, bold=name == channel)
    c.text(290, y + 10, channel, 18, bold=True)
    c.box(260, y + 44, WIDTH, y + 45, fill=t.line)
    yy = y + 58
    for who, when, text in messages:
        x = c.text(290, yy, who, 14, bold=True)
        c.text(x + 12, yy + 1, when, 12, color=t.muted)
        yy = c.paragraph(290, yy + 22, text, 1560, size) + 8
        if yy > HEIGHT - 90:
            break
    c.box(280, HEIGHT - 60, WIDTH - 20, HEIGHT - 16, outline=t.line)
    c.text(296, HEIGHT - 47, f"Message {channel}", 14, color=t.muted)


def form(c: Canvas, title: str, heading: str, fields: Sequence[Row], notes: Sequence[str], size: int = 15) -> None:
    """A web or desktop form: label above a filled box, two columns, then notes."""
    t = c.theme
    y = chrome(c, title)
    c.text(120, y + 20, heading, 26, bold=True)
    yy = y + 80
    for i, (label, value) in enumerate(fields):
        x = 120 if i % 2 == 0 else 1000
        c.text(x, yy, label, 13, color=t.muted)
        c.box(x, yy + 20, x + 760, yy + 54, outline=t.line)
        c.text(x + 10, yy + 27, value, size)
        if i % 2 == 1:
            yy += 78
    yy += 90
    for note in notes:
        yy = c.paragraph(120, yy, note, 1640, 14, color=t.muted) + 8


def document(c: Canvas, title: str, heading: str, paragraphs: Sequence[str], footer: str, size: int = 15) -> None:
    """A PDF viewer or word processor page: a page on a grey desk."""
    t = c.theme
    y = chrome(c, title, "File  Edit  View  Go  Bookmarks  Help")
    c.box(0, y, WIDTH, HEIGHT, fill=t.panel)
    c.box(360, y + 14, 1560, HEIGHT, fill=t.bg, outline=t.line)
    c.text(420, y + 50, heading, 24, bold=True)
    yy = y + 110
    for para in paragraphs:
        if para.startswith("## "):
            c.text(420, yy + 6, para[3:], 18, bold=True)
            yy += 40
            continue
        yy = c.paragraph(420, yy, para, 1080, size) + 12
        if yy > HEIGHT - 60:
            break
    c.text(420, HEIGHT - 30, footer, 12, color=t.muted)


def calendar(
    c: Canvas, title: str, week: str, days: Row, events: Sequence[tuple[int, str, str]], size: int = 13
) -> None:
    """A week view: events are (day index, "09:30-10:15", text)."""
    t = c.theme
    y = chrome(c, title, "Calendar  Edit  View  Go  Help")
    c.text(30, y + 10, week, 22, bold=True)
    top, left, col = y + 90, 90, (WIDTH - 110) // len(days)
    for i, d in enumerate(days):
        c.text(left + i * col + 10, top - 30, d, 14, bold=True)
        c.box(left + i * col, top, left + i * col, HEIGHT, fill=t.line)
    hour_h = (HEIGHT - top - 10) // 10
    for h in range(10):
        c.text(20, top + h * hour_h, f"{8 + h:02d}:00", 12, color=t.muted)
        c.box(left, top + h * hour_h, WIDTH, top + h * hour_h, fill=t.line)
    for day, span, text in events:
        start = int(span[:2]) + int(span[3:5]) / 60
        end = int(span[6:8]) + int(span[9:11]) / 60
        y0, y1 = top + int((start - 8) * hour_h), top + int((end - 8) * hour_h)
        x0 = left + day * col + 4
        c.box(x0, y0 + 2, x0 + col - 8, y1 - 2, fill=t.select, outline=t.accent)
        yy = y0 + 6
        c.text(x0 + 6, yy, span, 11, color=t.muted)
        for line in c.wrap(text, col - 20, size)[: max(1, (y1 - y0 - 24) // (size + 4))]:
            yy += size + 4
            c.text(x0 + 6, yy, line, size)


def browser(
    c: Canvas,
    title: str,
    tabs: Row,
    url: str,
    heading: str,
    paragraphs: Sequence[str],
    sidebar: Sequence[str],
    size: int = 15,
) -> None:
    t = c.theme
    c.box(0, 0, WIDTH, 40, fill=t.panel)
    x = 10
    for i, tab in enumerate(tabs):
        c.box(x, 4, x + 260, 40, fill=t.bg if i == 0 else t.panel, outline=t.line)
        c.text(x + 12, 14, tab[:30], 13, bold=i == 0)
        x += 266
    c.box(0, 40, WIDTH, 84, fill=t.bg, outline=t.line)
    c.box(120, 48, 1500, 78, outline=t.line)
    c.text(136, 54, url, 15)
    c.text(220, 120, heading, 28, bold=True)
    yy = 180
    for para in paragraphs:
        if para.startswith("## "):
            c.text(220, yy + 8, para[3:], 19, bold=True)
            yy += 44
            continue
        yy = c.paragraph(220, yy, para, 1100, size) + 14
        if yy > HEIGHT - 40:
            break
    c.box(1400, 110, 1860, HEIGHT - 40, fill=t.panel)
    yy = 130
    for item in sidebar:
        yy = c.paragraph(1420, yy, item, 420, 13) + 10
