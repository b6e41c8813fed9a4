"""Memories: per-type tables, edit and pin, forget, and a vault that reveals only on the passphrase."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assistant.errors import NotFound
from assistant.values import CoreBlock, SemanticMemory, VaultEntry
from tests.conftest import PASSPHRASE
from tests.ui.conftest import idle
from ui.app import Desktop


def test_forget_removes_the_item_everywhere(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    keep = a.memories.add(SemanticMemory(name="Marta", summary="Marta waters the ficus"))
    gone = a.memories.add(SemanticMemory(name="Old flat", summary="The old flat was on Rua da Prata"))
    view = desktop.window.show_view("memories")
    assert view is desktop.window.memories
    view.show_type("semantic")
    qtbot.waitUntil(lambda: set(view.ids()) == {keep.id, gone.id}, timeout=15000)
    assert view.table.columnCount() == 2 and view.table.rowCount() == 2

    assert view.select_id(gone.id)
    assert view.editor.memory is not None and view.editor.memory.id == gone.id
    view.editor.forget_button.click()
    assert view.editor.confirm_bar.isVisible()
    with qtbot.waitSignal(view.editor.forgotten, timeout=15000):
        view.editor.confirm_forget.click()
    qtbot.waitUntil(lambda: view.ids() == [keep.id], timeout=15000)
    assert view.table.rowCount() == 1
    with pytest.raises(NotFound):
        a.memories.get(gone.id)
    assert [h.id for h in a.search.find("Prata")] == []
    idle(qtbot, desktop.session)


def test_edit_and_pin_a_core_block(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    block = a.memories.add(CoreBlock(label="persona", value="Prefers short answers"))
    view = desktop.window.show_view("memories")
    assert view is desktop.window.memories
    qtbot.waitUntil(lambda: view.ids() == [block.id], timeout=15000)
    view.select_id(block.id)
    assert view.pin_button.isVisible() and view.pin_button.text() == "Pin"
    view.editor.set_field("value", "Prefers short answers, in Portuguese")
    with qtbot.waitSignal(view.editor.saved, timeout=15000):
        view.editor.save_button.click()
    with qtbot.waitSignal(view.editor.saved, timeout=15000):
        view.pin_button.click()
    stored = a.memories.get(block.id)
    assert isinstance(stored, CoreBlock) and stored.pinned and stored.value.endswith("Portuguese")
    qtbot.waitUntil(lambda: view.pin_button.text() == "Unpin", timeout=15000)
    idle(qtbot, desktop.session)


def test_vault_lists_captions_and_reveal_needs_the_passphrase(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    entry = a.memories.add(
        VaultEntry(entry_type="credential", source="manual", sensitivity="high", caption="Wi-Fi at the cabin"),
        secret="hunter2-cabin",
    )
    view = desktop.window.show_view("memories")
    assert view is desktop.window.memories
    view.show_type("vault")
    qtbot.waitUntil(lambda: view.ids() == [entry.id], timeout=15000)
    cells = [item.text() for c in range(view.table.columnCount()) if (item := view.table.item(0, c))]
    assert cells == ["Wi-Fi at the cabin", "credential", "high"]
    view.select_id(entry.id)
    editor = view.editor
    assert editor.vault_box.isVisible() and not editor.revealed.isVisible()
    assert "hunter2" not in editor.meta.text() and all("hunter2" not in str(v) for v in editor.values().values())

    editor.reveal_button.click()  # no passphrase: nothing is asked of the core
    assert "Enter your passphrase" in editor.status.text()
    editor.reveal_passphrase.setText("wrong passphrase")
    editor.reveal_button.click()
    qtbot.waitUntil(lambda: "Wrong passphrase" in editor.status.text(), timeout=15000)
    assert not editor.revealed.isVisible() and editor.revealed.text() == ""

    editor.reveal_passphrase.setText(PASSPHRASE)
    editor.reveal_button.click()
    qtbot.waitUntil(editor.revealed.isVisible, timeout=15000)
    assert editor.revealed.text() == "hunter2-cabin" and editor.reveal_passphrase.text() == ""
    editor.hide_secret()
    assert editor.revealed.text() == "" and not editor.revealed.isVisible()
    idle(qtbot, desktop.session)


def test_new_vault_entry_needs_a_secret(qtbot: QtBot, desktop: Desktop) -> None:
    view = desktop.window.show_view("memories")
    assert view is desktop.window.memories
    view.show_type("vault")
    view.new_button.click()
    editor = view.editor
    assert editor.secret_row.isVisible() and not editor.vault_box.isVisible()
    editor.set_field("caption", "Bike lock code")
    editor.set_field("entry_type", "code")
    editor.set_field("source", "manual")
    editor.save_button.click()
    assert "needs the value" in editor.status.text()
    editor.secret_input.setText("4812")
    with qtbot.waitSignal(editor.saved, timeout=15000) as saved:
        editor.save_button.click()
    created = saved.args[0]
    assert desktop.session.assistant.memories.reveal_secret(created.id, PASSPHRASE) == "4812"
    qtbot.waitUntil(lambda: created.id in view.ids(), timeout=15000)
    idle(qtbot, desktop.session)


def test_each_store_says_what_fills_it_and_a_fact_or_howto_can_be_added_by_hand(qtbot: QtBot, desktop: Desktop) -> None:
    a = desktop.session.assistant
    assert a.models.active("chat") is None  # the test install has no chat model
    view = desktop.window.show_view("memories")
    assert view is desktop.window.memories
    for type_ in ("core", "semantic", "procedural"):
        view.show_type(type_)
        hint = view.hint.text()
        assert view.hint.isVisible() and "chat model fills it" in hint and "No chat model is active" in hint, hint
        assert "New…" in hint
    view.show_type("episodic")
    assert "no model needed" in view.hint.text()

    view.show_type("semantic")
    view.new_button.click()
    view.editor.set_field("name", "Casa Azul")
    view.editor.set_field("summary", "The guest house in Seville, booked for June")
    with qtbot.waitSignal(view.editor.saved, timeout=15000):
        view.editor.save_button.click()
    view.show_type("procedural")
    view.new_button.click()
    view.editor.set_field("summary", "Renew the TLS certificate")
    view.editor.set_field("steps", ["sudo certbot renew", "sudo systemctl reload nginx"])
    with qtbot.waitSignal(view.editor.saved, timeout=15000):
        view.editor.save_button.click()
    qtbot.waitUntil(lambda: len(view.ids()) == 1, timeout=15000)
    facts, howtos = a.memories.latest("semantic"), a.memories.latest("procedural")
    assert [m.name for m in facts] == ["Casa Azul"]  # type: ignore[attr-defined]
    assert howtos[0].steps == ["sudo certbot renew", "sudo systemctl reload nginx"]  # type: ignore[attr-defined]
    assert {h.id for h in a.search.find("certbot")} == {howtos[0].id}
    idle(qtbot, desktop.session)
