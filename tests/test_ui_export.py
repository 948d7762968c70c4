"""File > Export…, headless: format, scope, preview, the file written, no silent overwrite."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from readinglist.core.exchange import FORMATS, ExportScope
from readinglist.core.models import ReadStatus
from readinglist.core.query import typing_query
from readinglist.ui.export_dialog import (
    ExportCancelledError,
    ExportContext,
    ExportDialog,
    ExportJob,
    scope_choices,
)
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import SHARED_DIGEST_PAPERS
from tests.test_ui_actions import answer_question as answer
from tests.test_ui_actions import select
from tests.test_ui_window import idle

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window
loaded = test_ui_window.loaded


def open_dialog(main: MainWindow, qtbot) -> ExportDialog:
    dialog = main.open_export_dialog()
    qtbot.waitUntil(lambda: "to export" in dialog.summary.text(), timeout=10000)
    return dialog


def wait_preview(dialog: ExportDialog, qtbot, text: str) -> str:
    def shown() -> None:  # on a timeout, the failure says what the dialog showed instead
        preview = dialog.preview_view.toPlainText()
        assert text in preview, f"{dialog.summary.text()!r}, preview {preview[:300]!r}"

    qtbot.waitUntil(shown, timeout=10000)
    return dialog.preview_view.toPlainText()


def export(dialog: ExportDialog, qtbot, target: Path) -> tuple[str, int]:
    dialog.destination.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=20000) as blocker:
        dialog.export_button.click()
    path, papers = blocker.args
    return path, papers


@pytest.mark.slow
def test_ctrl_e_opens_the_dialog_with_every_format(loaded: MainWindow, qtbot):
    assert loaded.export_action.shortcut().toString() == "Ctrl+E"
    loaded.export_action.trigger()
    dialog = loaded.findChild(ExportDialog, "exportDialog")
    assert dialog is not None and dialog.isVisible()
    box = dialog.format_box
    assert [box.itemData(i) for i in range(box.count())] == list(FORMATS)
    assert set(FORMATS) == {"md", "csv", "bibtex", "ris", "csljson", "json", "html"}
    qtbot.waitUntil(
        lambda: dialog.summary.text() == f"{SHARED_DIGEST_PAPERS} papers to export", timeout=10000
    )
    assert dialog.preview_view.isReadOnly()
    dialog.reject()


@pytest.mark.slow
def test_a_whole_library_json_export_previews_and_parses(loaded: MainWindow, qtbot, tmp_path: Path):
    dialog = open_dialog(loaded, qtbot)
    dialog.choose("json", "all")
    preview = wait_preview(dialog, qtbot, '"format": "readinglist-backup"')
    assert preview.splitlines()[0] == "{"
    assert len(preview.splitlines()) <= 30

    path, papers = export(dialog, qtbot, tmp_path / "all.json")
    assert papers == SHARED_DIGEST_PAPERS
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert len(data["papers"]) == SHARED_DIGEST_PAPERS
    idle(loaded, qtbot)
    assert loaded.statusBar().currentMessage() == (
        f"Exported {SHARED_DIGEST_PAPERS} papers to {tmp_path / 'all.json'}"
    )
    assert not list(tmp_path.glob(".all.json.*"))  # no partial file left behind


@pytest.mark.slow
def test_a_status_scope_as_csv(loaded: MainWindow, qtbot, tmp_path: Path):
    ids = select(loaded, [3, 4, 5])
    loaded.set_status(ReadStatus.READ)
    idle(loaded, qtbot)
    dialog = open_dialog(loaded, qtbot)
    dialog.choose("csv", "status")
    assert dialog.value_box.isVisibleTo(dialog)
    dialog.value_box.setCurrentText("read")
    qtbot.waitUntil(lambda: dialog.summary.text() == "3 papers to export", timeout=10000)
    preview = wait_preview(dialog, qtbot, "id,title")
    assert preview.splitlines()[0].startswith("id,title,authors")

    path, papers = export(dialog, qtbot, tmp_path / "read.csv")
    assert papers == 3
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert sorted(int(row["id"]) for row in rows) == sorted(ids)
    assert {row["status"] for row in rows} == {"read"}


@pytest.mark.slow
def test_the_selection_and_the_current_search_are_scopes(loaded: MainWindow, qtbot, tmp_path: Path):
    loaded.search_box.setText("gaussian splatting")
    typed = typing_query("gaussian splatting")  # the word being typed is a prefix
    qtbot.waitUntil(lambda: loaded.model.query.text == typed, timeout=10000)
    idle(loaded, qtbot)
    ids = select(loaded, [0, 1])
    context = loaded.export_context()
    assert context.query == typed  # what the table shows is what is exported
    assert sorted(context.selection) == sorted(ids)
    dialog = open_dialog(loaded, qtbot)
    dialog.choose("bibtex", "ids")
    qtbot.waitUntil(lambda: dialog.summary.text() == "2 papers to export", timeout=10000)
    wait_preview(dialog, qtbot, "@")
    path, papers = export(dialog, qtbot, tmp_path / "two.bib")
    assert papers == 2
    assert Path(path).read_text(encoding="utf-8").count("\n@") + 1 >= 2

    dialog = open_dialog(loaded, qtbot)
    dialog.choose("csljson", "query")
    total = loaded.model.rowCount()
    qtbot.waitUntil(lambda: dialog.summary.text() == f"{total} papers to export", timeout=10000)
    _path, papers = export(dialog, qtbot, tmp_path / "search.json")
    assert papers == total
    assert len(json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))) == total


@pytest.mark.slow
def test_an_existing_file_is_kept_unless_the_user_says_replace(
    loaded: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "papers.md"
    target.write_text("keep me\n", encoding="utf-8")
    dialog = open_dialog(loaded, qtbot)
    dialog.choose("md", "all")
    dialog.destination.setText(str(target))
    asked = answer(monkeypatch, yes=False)
    dialog.export_button.click()
    assert asked == ["papers.md already exists. Replace it?"]
    assert not dialog.exporting
    idle(loaded, qtbot)
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert dialog.summary.text() == "Not exported: the file is kept as it was"

    answer(monkeypatch, yes=True)
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        dialog.export_button.click()
    assert target.read_text(encoding="utf-8").startswith("#")


@pytest.mark.slow
def test_the_preview_is_plain_text(loaded: MainWindow, qtbot):
    title = "<b>Bold</b> &amp; <i>markup</i> in a title"
    loaded.imports.import_text(
        f"{title}\n\nAn abstract about splines, long enough to count.", "markup"
    )
    idle(loaded, qtbot)
    context = ExportContext(query="title:markup")
    dialog = ExportDialog(loaded.worker, loaded.library, context, loaded)
    qtbot.addWidget(dialog)
    dialog.choose("csv", "query")  # CSV keeps the title as it is
    preview = wait_preview(dialog, qtbot, "<b>Bold</b>")
    assert "&amp;" in preview
    assert "<b>Bold</b>" in dialog.preview_view.document().toPlainText()
    dialog.reject()


def test_scope_choices_follow_the_window_s_state():
    kinds = [c.scope.kind for c in scope_choices(ExportContext())]
    assert kinds == ["all", "tag", "status"]
    context = ExportContext(list_name="Group", saved_search="S", query="q", selection=(3, 1))
    choices = scope_choices(context)
    assert [c.scope.kind for c in choices] == [
        "all",
        "list",
        "search",
        "tag",
        "status",
        "query",
        "ids",
    ]
    assert choices[1].scope == ExportScope("list", "Group")
    assert choices[-1].label == "The selection (2 papers)"


def test_a_cancelled_export_writes_nothing(loaded: MainWindow, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "never.json"
    job = ExportJob("json", ExportScope(), target)
    job.cancel()
    library = loaded.library
    with pytest.raises(ExportCancelledError):
        loaded.worker.call(lambda: job.run(library))
    assert not target.exists()
    assert not list(out.iterdir())


def test_a_bibtex_export_holds_my_notes_only_when_i_tick_the_box(
    loaded: MainWindow, qtbot, tmp_path: Path
):
    """A .bib file is shared: notes and reading state only on request, each time."""
    loaded.worker.call(lambda: loaded.library.set_notes(1, "my private thoughts"))
    loaded.worker.call(lambda: loaded.library.rate([1], 4))
    dialog = open_dialog(loaded, qtbot)
    dialog.choose("bibtex", "all")
    assert dialog.private_box.isVisibleTo(dialog) and not dialog.private_box.isChecked()
    shared = wait_preview(dialog, qtbot, "@misc{")
    assert "my private thoughts" not in shared and "ranking" not in shared
    dialog.choose("ris")
    assert not dialog.private_box.isVisibleTo(dialog)
    dialog.choose("bibtex")
    path, _papers = export(dialog, qtbot, tmp_path / "shared.bib")  # closes the dialog
    assert "annote" not in Path(path).read_text(encoding="utf-8")

    mine = open_dialog(loaded, qtbot)
    mine.choose("bibtex", "all")
    assert not mine.private_box.isChecked()  # not remembered: off each time
    mine.private_box.setChecked(True)
    assert "ranking = {rank4}" in wait_preview(mine, qtbot, "my private thoughts")
    path, _papers = export(mine, qtbot, tmp_path / "mine.bib")
    assert "annote = {my private thoughts}" in Path(path).read_text(encoding="utf-8")
