"""One benchmark screen as written by hand: its app, title, what it draws, and the questions about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from assistant.eval.screengen.canvas import Canvas

Ask = tuple[str, str, str]  # (kind, question, answer: verbatim on this screen and on no other)


@dataclass
class Spec:
    id: str
    app: str  # the window's WM_CLASS class: what capture records as the app
    title: str
    draw: Callable[[Canvas], None]
    theme: str = "light"
    asks: list[Ask] = field(default_factory=list)
    at: datetime | None = None  # when it is shown; None: the builder spreads it over the fortnight
