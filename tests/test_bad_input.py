"""Bad input of every kind gets one clear line and leaves the library exactly as it was.

"Exactly" is checked on a full SQL dump of the database taken before and after.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from readinglist.app_context import open_library
from readinglist.core.digest_sources import MAX_DIGEST_BYTES
from readinglist.core.errors import ReadingListError
from tests.helpers import database_dump, shared_digest_path
from tests.test_cli import Cli, user_error

EML_HEADERS = (
    b"From: Hugging Face <papers@huggingface.co>\r\nTo: me@example.org\r\n"
    b"Subject: Daily Papers\r\nMIME-Version: 1.0\r\n"
)
BAD_INPUTS: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t\r\n   \n",
    "binary": bytes(range(256)) * 64,
    "nul-bytes": b"Title\x00\x00\x00 abstract\x00" * 50,
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(500),
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "zip": b"PK\x03\x04" + bytes(range(256)) * 4,
    "utf16-odd": b"\xff\xfe" + "Title\nAbstract".encode("utf-16-le")[:-1],
    "eml-truncated-headers": EML_HEADERS[:60],
    "eml-headers-only": EML_HEADERS + b"Content-Type: text/plain\r\n\r\n",
    "eml-broken-base64": EML_HEADERS
    + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b"!!!!not base64 at all####\r\n",
    "html-no-papers": b"<html><head><title>x</title></head><body><div><p>unclosed",
    "html-script-only": b"<html><body><script>alert(1)</script><style>p{}</style></body></html>",
    "json-truncated": b'[{"paper": {"id": "2401.01234", "title": "A Paper", "summ',
    "json-wrong-shape": b'{"papers": 3, "note": "not a daily-papers list"}',
    "json-wrong-types": b'[{"paper": {"title": 42, "summary": ["x"], "authors": "nobody"}}]',
    "json-empty-list": b"[]",
    "bibtex-unclosed": b"@misc{key1,\n  title = {An unclosed title,\n  author = {A. B.}\n",
    "bibtex-no-title": b"@article{key2, author = {Someone}, year = {2024}}\n",
    "backup-wrong-version": b'{"format": "readinglist-backup", "version": 999, "papers": []}',
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("bad-input") / "library"
    with open_library(library) as opened:
        opened.library.import_bytes(shared_digest_path().read_bytes(), "digest.txt")
        opened.library.tag([1, 2], add=["kept"])
        opened.library.set_notes(3, "notes to keep")
    return library


@pytest.fixture
def library(tmp_path: Path, template: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(template, copy, ignore=shutil.ignore_patterns("backups"))
    return copy


def _one_line(message: str) -> None:
    assert message.strip(), "an empty message"
    assert "\n" not in message.strip(), message
    assert "Traceback" not in message


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_through_the_library_changes_nothing(library: Path, name: str):
    before = database_dump(library)
    with open_library(library) as opened, pytest.raises(ReadingListError) as raised:
        opened.library.import_bytes(BAD_INPUTS[name], f"{name}.input")
    _one_line(str(raised.value))
    assert database_dump(library) == before


@pytest.mark.parametrize("name", ["empty", "binary", "pdf", "eml-headers-only", "json-truncated"])
def test_bad_input_through_the_command_line_changes_nothing(
    library: Path, tmp_path: Path, name: str
):
    source = tmp_path / f"{name}.input"
    source.write_bytes(BAD_INPUTS[name])
    before = database_dump(library)
    result = user_error(Cli(tmp_path, library)("import", str(source)))
    _one_line(result.err)
    assert database_dump(library) == before
    result = user_error(Cli(tmp_path, library)("import", "-", stdin=BAD_INPUTS[name]))
    _one_line(result.err)
    assert database_dump(library) == before


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: _sparse(folder / "huge.txt", 100 * 1024 * 1024),
        lambda folder: _sparse(folder / "just-over.txt", MAX_DIGEST_BYTES + 1),
    ],
    ids=["100MB", "limit+1"],
)
def test_huge_files_are_refused_before_they_are_read(
    library: Path, tmp_path: Path, make: Callable[[Path], Path]
):
    huge = make(tmp_path)
    before = database_dump(library)
    result = user_error(Cli(tmp_path, library)("import", str(huge)), "larger than")
    _one_line(result.err)
    assert database_dump(library) == before


def test_huge_input_to_the_library_is_refused(library: Path):
    before = database_dump(library)
    with open_library(library) as opened, pytest.raises(ReadingListError, match="at most"):
        opened.library.import_bytes(b"x" * (MAX_DIGEST_BYTES + 1), "huge.txt")
    assert database_dump(library) == before


def test_a_bad_file_among_good_ones_is_reported_and_the_good_ones_imported(
    library: Path, tmp_path: Path
):
    good = tmp_path / "good.txt"
    good.write_text("Gamma Diffusion Without Noise\nIt removes the noise. It is fast.\n")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(BAD_INPUTS["pdf"])
    result = Cli(tmp_path, library)("import", str(bad), str(good))
    assert result.code == 1
    assert "bad.pdf" in result.err and result.err.count("\n") == 1, str(result)
    assert "1 new" in result.out
