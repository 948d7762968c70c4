"""Reading a digest from bytes: decoding, saved e-mails, saved web pages and non-digests."""

from __future__ import annotations

import codecs
import html
import random
import textwrap
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.digest_parser import parse_digest, render_digest
from readinglist.core.digest_sources import (
    decode_bytes,
    detect_format,
    email_to_texts,
    html_to_text,
    parse_source,
    read_digest,
)
from readinglist.core.errors import DigestError
from readinglist.core.models import ParsedPaper, ParseResult
from tests.helpers import FIRST_TITLE, LAST_TITLE, SHARED_DIGEST_PAPERS

Pair = tuple[str, str]
HEADER = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
)


def pairs(result: ParseResult) -> list[Pair]:
    return [(paper.title, paper.abstract) for paper in result.papers]


@pytest.fixture
def digest_text(shared_digest: Path) -> str:
    return shared_digest.read_text(encoding="utf-8")


@pytest.fixture
def expected(digest_text: str) -> list[Pair]:
    result = parse_digest(digest_text)
    assert len(result.papers) == SHARED_DIGEST_PAPERS
    assert result.warnings == ()
    return pairs(result)


@pytest.fixture
def accented(expected: list[Pair]) -> list[Pair]:
    """The shared papers with curly quotes, dashes and accents (all in Windows-1252)."""
    papers = list(expected)
    title, abstract = papers[3]
    papers[3] = (
        title + " – Étude",
        abstract.replace('"', "“", 1) + " A naïve café “résumé” model’s score — 94%.",
    )
    title, abstract = papers[100]
    papers[100] = ("Über-" + title, abstract + " Déjà vu & co.")
    return papers


def as_digest(papers: list[Pair]) -> str:
    """The text a user copies from the page: header, glued "Subscribe", then pairs."""
    body = render_digest(ParsedPaper(title, abstract, 0) for title, abstract in papers)
    return HEADER + "Subscribe" + body


def test_accented_digest_parses_as_its_pairs(accented: list[Pair]) -> None:
    result = parse_digest(as_digest(accented))
    assert pairs(result) == accented
    assert result.warnings == ()


# --- decoding -----------------------------------------------------------------------------


def test_shared_digest_bytes(shared_digest_bytes: bytes, expected: list[Pair]) -> None:
    result = read_digest(shared_digest_bytes, "000_2ccd13dbd19ccc3f.txt")
    assert len(result.papers) == SHARED_DIGEST_PAPERS
    assert result.papers[0].title == FIRST_TITLE
    assert result.papers[-1].title == LAST_TITLE
    assert all(paper.abstract for paper in result.papers)
    assert result.warnings == ()
    assert pairs(result) == expected


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8 with BOM"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le with BOM"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be with BOM"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le without BOM"),
        (lambda t: t.encode("utf-16-be"), "utf-16-be without BOM"),
        (lambda t: t.encode("utf-16"), "utf-16 native with BOM"),
        (lambda t: t.encode("utf-32"), "utf-32 with BOM"),
    ],
)
def test_unicode_encodings(accented: list[Pair], encode, name: str) -> None:
    data = encode(as_digest(accented))
    result = read_digest(data, f"digest ({name}).txt")
    assert pairs(result) == accented
    assert result.warnings == ()


def test_windows_1252_is_decoded_with_a_warning(accented: list[Pair]) -> None:
    data = as_digest(accented).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_digest(data, "digest.txt")
    assert pairs(result) == accented
    assert len(result.warnings) == 1
    assert result.warnings[0].line == 0
    assert "cp1252" in str(result.warnings[0])


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_line_endings_in_bytes(
    shared_digest_bytes: bytes, expected: list[Pair], newline: bytes
) -> None:
    data = newline.join(shared_digest_bytes.splitlines())
    result = read_digest(data, "digest.txt")
    assert pairs(result) == expected
    assert result.warnings == ()


def test_blank_lines_and_trailing_whitespace_in_bytes(
    shared_digest_bytes: bytes, expected: list[Pair]
) -> None:
    data = b"\r\n\r\n".join(line + b" \t" for line in shared_digest_bytes.splitlines())
    result = read_digest(codecs.BOM_UTF8 + data, "digest.txt")
    assert pairs(result) == expected
    assert result.warnings == ()


def test_pasted_twice_in_bytes(shared_digest_bytes: bytes, expected: list[Pair]) -> None:
    result = read_digest(shared_digest_bytes + b"\n" + shared_digest_bytes, "twice.txt")
    assert pairs(result) == expected
    assert len(result.warnings) == 1
    assert "repeat" in result.warnings[0].message


def test_decode_bytes_reports_its_guess() -> None:
    text, warnings = decode_bytes("caf\u00e9 \u201cx\u201d".encode("cp1252"), "x.txt")
    assert text == "caf\u00e9 \u201cx\u201d"
    assert len(warnings) == 1
    text, warnings = decode_bytes(codecs.BOM_UTF8 + "caf\u00e9".encode(), "x.txt")
    assert (text, warnings) == ("caf\u00e9", [])


# --- e-mail -------------------------------------------------------------------------------


def html_page(papers: list[Pair], *, ascii_only: bool = False) -> str:
    """A saved daily-papers page: navigation, scripts, upvotes and a footer around articles."""
    articles = "\n".join(
        f"""      <article class="flex flex-col">
        <div class="upvotes"><button type="button">Upvote</button><div>{(73 * n) % 311}</div></div>
        <h3 class="text-lg"><a href="/papers/2403.{n:05d}">{html.escape(title)}</a></h3>
        <p class="abstract">{html.escape(abstract)}</p>
      </article>"""
        for n, (title, abstract) in enumerate(papers)
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Daily Papers - Hugging Face</title>
    <link rel="stylesheet" href="/front/build/style.css">
    <style>
      body {{ font-family: "Source Sans Pro", sans-serif; }}
      h3 > a {{ color: #111; }}
    </style>
    <script>
      window.hubConfig = {{"features": ["papers"]}};
      if (1 < 2 && document.title) {{ console.log("<p>Not a paper</p>"); }}
    </script>
  </head>
  <body class="flex min-h-screen flex-col">
    <nav class="container flex h-16 items-center">
      <a href="/">Hugging Face</a>
      <ul>
        <li><a href="/models">Models</a></li>
        <li><a href="/datasets">Datasets</a></li>
        <li><a href="/papers">Daily Papers</a></li>
        <li><a href="/login">Log In</a></li>
        <li><a href="/join">Sign up</a></li>
      </ul>
    </nav>
    <main class="container">
{articles}
    </main>
    <footer class="border-t">
      <a href="/terms">TOS</a> <a href="/privacy">Privacy</a> <a href="/about">About</a>
      <span>73</span> <a href="/jobs">Jobs</a>
    </footer>
    <script src="/front/build/index.js" defer></script>
  </body>
</html>
"""
    if ascii_only:
        return page.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return page


def build_email(
    *,
    plain: str | None,
    markup: str | None,
    cte: str,
    charset: str = "utf-8",
    flowed: bool = False,
) -> bytes:
    message = EmailMessage()
    message["From"] = "Hugging Face <papers@huggingface.co>"
    message["To"] = "reader@example.org"
    message["Subject"] = "Trending papers of the day"
    message["Date"] = format_datetime(datetime(2024, 3, 14, 7, 0, tzinfo=UTC))
    params = {"format": "flowed"} if flowed else None
    if plain is not None:
        message.set_content(plain, subtype="plain", charset=charset, cte=cte, params=params)
        if markup is not None:
            message.add_alternative(markup, subtype="html", charset=charset, cte=cte)
    elif markup is not None:
        message.set_content(markup, subtype="html", charset=charset, cte=cte)
    return bytes(message)


@pytest.mark.parametrize("cte", ["quoted-printable", "base64", "8bit"])
@pytest.mark.parametrize("parts", ["plain", "html", "both"])
def test_email_gives_the_same_papers(accented: list[Pair], parts: str, cte: str) -> None:
    data = build_email(
        plain=as_digest(accented) if parts in ("plain", "both") else None,
        markup=html_page(accented) if parts in ("html", "both") else None,
        cte=cte,
    )
    assert b"Content-Transfer-Encoding: " + cte.encode() in data
    result = read_digest(data, "digest.eml")
    assert pairs(result) == accented
    assert result.warnings == ()


def test_multipart_email_has_both_parts(accented: list[Pair]) -> None:
    data = build_email(plain=as_digest(accented), markup=html_page(accented), cte="base64")
    texts = email_to_texts(data.decode("ascii"), "digest.eml")
    assert len(texts) == 2
    assert [pairs(parse_digest(text)) for text in texts] == [accented, accented]


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-15"])
@pytest.mark.parametrize("cte", ["quoted-printable", "base64", "8bit"])
def test_email_in_a_non_utf8_charset(accented: list[Pair], charset: str, cte: str) -> None:
    papers = accented
    if charset == "iso-8859-15":  # no curly quotes or dashes in Latin-9
        papers = [
            (t.replace("–", "-"), a.translate(str.maketrans("“”’—", '""\'-'))) for t, a in accented
        ]
    data = build_email(plain=as_digest(papers), markup=None, cte=cte, charset=charset)
    result = read_digest(data, "digest.eml")
    assert pairs(result) == papers
    # 8bit bytes are decoded with the whole file, so a non-UTF-8 file is noted once.
    assert len(result.warnings) == (1 if cte == "8bit" else 0)


def test_email_html_part_in_windows_1252(accented: list[Pair]) -> None:
    data = build_email(
        plain=None, markup=html_page(accented), cte="quoted-printable", charset="windows-1252"
    )
    assert pairs(read_digest(data, "digest.eml")) == accented


def flow(text: str, width: int = 72) -> str:
    """RFC 3676 format=flowed: soft breaks end in a space; some lines are space-stuffed."""
    out: list[str] = []
    for line in text.splitlines():
        wrapped = textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)
        for number, piece in enumerate(wrapped):
            soft = number < len(wrapped) - 1
            piece = piece + " " if soft else piece
            if piece.startswith(("From ", ">", " ")):
                piece = " " + piece
            out.append(piece)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("cte", ["7bit", "quoted-printable"])
def test_format_flowed_email(expected: list[Pair], cte: str) -> None:
    # Space-stuff an abstract line, as mail clients do with "From " at a line start.
    papers = [expected[0], (expected[1][0], "From " + expected[1][1]), *expected[2:]]
    flowed = flow(as_digest(papers))
    assert max(len(line) for line in flowed.splitlines()) < 300  # really wrapped
    assert "\n From " in flowed
    data = build_email(plain=flowed, markup=None, cte=cte, flowed=True)
    assert b'format="flowed"' in data
    result = read_digest(data, "flowed.eml")
    assert pairs(result) == papers
    assert result.warnings == ()


def test_flowed_without_the_format_parameter_is_not_joined(expected: list[Pair]) -> None:
    data = build_email(plain=flow(as_digest(expected[:3])), markup=None, cte="7bit")
    try:
        result = read_digest(data, "wrapped.eml")
    except DigestError:
        return  # refused: no line pair of the hard-wrapped text reads as a paper
    assert pairs(result) != expected[:3]  # the parameter is what makes soft breaks soft


def test_unusable_charsets_fall_back_to_detection(expected: list[Pair]) -> None:
    # Unknown names and non-text codecs raise LookupError; "idna" raises a bare UnicodeError
    # on ASCII text with a bad "xn--" label. Either way the bytes are decoded as a file's.
    papers = [*expected[:-1], (expected[-1][0], expected[-1][1] + " Mirror: www.xn--a.example")]
    body = as_digest(papers).encode("ascii")
    for charset in ("x-no-such-charset", "base64", "idna"):
        message = EmailMessage()
        message["From"] = "papers@huggingface.co"
        message["To"] = "reader@example.org"
        message.set_content(body, "text", "plain", cte="base64", params={"charset": charset})
        result = read_digest(bytes(message), f"{charset}.eml")
        assert pairs(result) == papers, charset


def test_email_with_an_image_attachment(expected: list[Pair]) -> None:
    message = EmailMessage()
    message["From"] = "papers@huggingface.co"
    message["To"] = "reader@example.org"
    message["Subject"] = "Trending papers"
    message.set_content(as_digest(expected))
    message.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(200), maintype="image", subtype="png")
    result = read_digest(bytes(message), "with-image.eml")
    assert pairs(result) == expected


# --- saved web pages ----------------------------------------------------------------------


@pytest.mark.parametrize("ascii_only", [False, True])
def test_html_page_gives_the_same_papers(accented: list[Pair], ascii_only: bool) -> None:
    page = html_page(accented, ascii_only=ascii_only)
    assert "&amp;" in page and "&lt;" in page
    assert ("&#8220;" in page) is ascii_only  # curly quotes as character references
    result = read_digest(page.encode("utf-8"), "Daily Papers - Hugging Face.html")
    assert pairs(result) == accented
    assert result.warnings == ()


def test_html_page_text_has_no_page_furniture(expected: list[Pair]) -> None:
    text = html_to_text(html_page(expected[:2]))
    lines = text.splitlines()
    for furniture in ("Daily Papers", "Sign up", "Log In", "Upvote", "Privacy", "Not a paper"):
        assert furniture not in lines
    assert lines[0] == "0"  # an upvote count: a line, but one the parser drops (no letters)
    assert pairs(parse_digest(text)) == expected[:2]
    assert "window.hubConfig" not in text
    assert "font-family" not in text


def test_html_page_in_windows_1252(accented: list[Pair]) -> None:
    data = html_page(accented).replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252")
    result = read_digest(data, "page.htm")
    assert pairs(result) == accented
    assert [w.line for w in result.warnings] == [0]


# --- format from content, not the name ----------------------------------------------------


@pytest.mark.parametrize("name", ["digest.txt", "digest.html", "digest.eml", "digest", "x.pdf"])
def test_format_comes_from_content(accented: list[Pair], name: str) -> None:
    sources = {
        "text": as_digest(accented).encode("utf-8"),
        "html": html_page(accented).encode("utf-8"),
        "email": build_email(plain=as_digest(accented), markup=None, cte="quoted-printable"),
    }
    for fmt, data in sources.items():
        assert detect_format(data.decode("utf-8")) == fmt
        assert pairs(read_digest(data, name)) == accented, (fmt, name)


def test_html_fragment_without_a_doctype_is_html(expected: list[Pair]) -> None:
    fragment = "\n".join(
        f"<div><h3>{html.escape(t)}</h3><p>{html.escape(a)}</p></div>" for t, a in expected[:5]
    )
    assert detect_format(fragment) == "html"
    assert pairs(parse_source(fragment, "clip")) == expected[:5]


def test_text_mentioning_tags_is_still_text(expected: list[Pair]) -> None:
    papers = [(expected[0][0], expected[0][1] + " We emit <p> and <div> tags.")]
    text = as_digest(papers)
    assert detect_format(text) == "text"
    assert pairs(parse_source(text, "clip")) == papers


def test_many_leading_comments_do_not_hang_format_detection(expected: list[Pair]) -> None:
    comments = "<!-- saved from url=(0031)https://huggingface.co/papers -->\n" * 60
    assert detect_format(comments + "<html><body></body></html>") == "html"
    assert detect_format(comments + as_digest(expected[:3])) == "text"
    page = comments + html_page(expected[:3]).removeprefix("<!DOCTYPE html>\n")
    assert pairs(parse_source(page, "page.html")) == expected[:3]


# --- not a digest -------------------------------------------------------------------------


def email_without_text() -> bytes:
    message = EmailMessage()
    message["From"] = "papers@huggingface.co"
    message["To"] = "reader@example.org"
    message["Subject"] = "Your digest (PDF)"
    message.add_attachment(
        b"%PDF-1.7\n" + bytes(300), maintype="application", subtype="pdf", filename="digest.pdf"
    )
    return bytes(message)


NOT_DIGESTS = {
    "empty": (b"", "is empty"),
    "whitespace": (b" \n\t\r\n  \n", "is empty"),
    "random bytes": (random.Random(20240314).randbytes(4096), "binary"),
    "nuls": (b"\x00" * 1000, "binary"),
    "text with nuls": (b"A Title\x00\x00\x00\nAn abstract\x00 here.\n" * 20, "binary"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    "only the header": (HEADER.encode() + b"Subscribe\n", "no papers found in this text"),
    "e-mail without text": (email_without_text(), "no papers found in this e-mail"),
    "page without papers": (
        html_page([])
        .replace(
            '<main class="container">',
            "<main><p>No papers have been submitted yet. Check back tomorrow.</p>",
        )
        .encode(),
        "no papers found in this web page",
    ),
}


@pytest.mark.parametrize("case", list(NOT_DIGESTS))
def test_not_a_digest_raises_a_one_line_digest_error(case: str) -> None:
    data, fragment = NOT_DIGESTS[case]
    with pytest.raises(DigestError) as caught:
        read_digest(data, "input.bin")
    message = str(caught.value)
    assert fragment in message
    assert "input.bin" in message
    assert "\n" not in message


# --- properties ---------------------------------------------------------------------------


def scaled(fraction: float) -> int:
    """A share of the active profile's example count, so a CI profile still raises it."""
    return max(10, int(settings().max_examples * fraction))


def read_or_digest_error(data: bytes) -> None:
    try:
        result = read_digest(data, "fuzz")
    except DigestError as error:
        assert "\n" not in str(error)
    else:
        assert result.papers  # a result always has papers; none is a DigestError


@given(st.binary())
def test_read_digest_raises_only_digest_error_on_bytes(data: bytes) -> None:
    read_or_digest_error(data)


SOURCE_FRAGMENTS = [
    "From: a@b.c\n",
    "To: d@e.f\n",
    "Subject: papers\n",
    "MIME-Version: 1.0\n",
    "Content-Type: text/plain; charset=idna\n",
    "Content-Type: text/plain; charset=utf-16; format=flowed\n",
    "Content-Type: text/html; charset=x-unknown\n",
    "Content-Type: multipart/alternative; boundary=XX\n",
    "Content-Transfer-Encoding: base64\n",
    "Content-Transfer-Encoding: quoted-printable\n",
    "Content-Transfer-Encoding: x-uuencode\n",
    "--XX\n",
    "--XX--\n",
    "\n",
    "\r\n",
    "=\n",
    "=C3=A9",
    "eG4tLWE=\n",
    "<!DOCTYPE html>",
    "<html>",
    "<script>",
    "</script>",
    "<nav>",
    "<p>",
    "</p>",
    "<article><h3>",
    "</h3>",
    "<![CDATA[",
    "<![if !supportLists]>",
    "<!--",
    "-->",
    "&#x110000;",
    "&#0;",
    "&amp",
    "\x00",
    "\ufeff",
    "SubscribeSparse Routing for Retrieval\n",
    "We study routing. It works well. We release code.\n",
]
source_like = st.lists(
    st.one_of(st.sampled_from(SOURCE_FRAGMENTS), st.text(max_size=10)), max_size=60
).map("".join)


@settings(max_examples=scaled(1.0))
@given(source_like, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_read_digest_raises_only_digest_error_on_source_like_bytes(
    text: str, encoding: str
) -> None:
    read_or_digest_error(text.encode(encoding, errors="replace"))


# --- large inputs terminate ---------------------------------------------------------------


def test_twenty_thousand_lines_in_bytes(shared_digest_bytes: bytes, expected: list[Pair]) -> None:
    copies = 20_000 // len(shared_digest_bytes.splitlines()) + 1
    result = read_digest(b"\n".join([shared_digest_bytes] * copies), "many.txt")
    assert pairs(result) == expected
    assert len(result.warnings) == 1


def test_a_five_megabyte_line_in_bytes() -> None:
    sentence = "We scale the model to many more tokens than before and it still works. "
    abstract = (sentence * (5_000_000 // len(sentence) + 1)).strip()
    result = read_digest(f"Scaling Things Further\n{abstract}\n".encode(), "big.txt")
    assert pairs(result) == [("Scaling Things Further", abstract)]
    with pytest.raises(DigestError, match="no papers"):
        read_digest(abstract.encode(), "one-line.txt")


def test_a_five_megabyte_flowed_email() -> None:
    sentence = "We scale the model to many more tokens than before and it still works. "
    abstract = (sentence * (5_000_000 // len(sentence) + 1)).strip()
    flowed = flow(f"Scaling Things Further\n{abstract}\n")
    assert len(flowed.splitlines()) > 50_000
    data = build_email(plain=flowed, markup=None, cte="7bit", flowed=True)
    result = read_digest(data, "big.eml")
    assert pairs(result) == [("Scaling Things Further", abstract)]


def test_a_large_html_page(expected: list[Pair]) -> None:
    page = html_page(expected * 10)  # 2,110 articles, every paper ten times
    result = read_digest(page.encode(), "big.html")
    assert pairs(result) == expected
    assert len(result.warnings) == 1


# --- issue 17: one bad byte, page chrome, short abstracts, notes ------------------------


def test_one_bad_byte_spoils_only_its_own_line(expected: list[Pair]) -> None:
    """A Windows-1252 "é" pasted into a UTF-8 digest: every other line stays UTF-8 (the
    whole file read as Windows-1252 garbled every title and abstract)."""
    papers = [(t + " “quoted”", a + " Café.") for t, a in expected[:10]]
    data = bytearray(as_digest(papers).encode("utf-8"))
    data += "Lone Paper With Résumé\n".encode("cp1252")
    data += "It was pasted from an old editor. It is in cp1252.\n".encode("cp1252")
    result = read_digest(bytes(data), "digest.txt")
    assert pairs(result)[:10] == papers
    assert pairs(result)[10] == (
        "Lone Paper With Résumé",
        "It was pasted from an old editor. It is in cp1252.",
    )
    decoding = [w for w in result.warnings if "UTF-8" in w.message]
    assert [w.line for w in decoding] == [len(papers) * 2 + 3]  # header, glued title


def test_a_damaged_utf8_line_is_marked_and_never_replaces_an_abstract(opened) -> None:
    good = "Café Networks Revisited\nWe revisit café networks. They still work.\n"
    opened.library.import_bytes(good.encode(), "good.txt")
    damaged = good.encode().replace(b"still work", b"still w\xffrk")
    summary = opened.library.import_bytes(
        damaged * 2
        + b"\n"
        + b"Filler Paper Title Here\nA filler abstract. It keeps the file text.\n" * 20,
        "damaged.txt",
    )
    assert summary.abstracts_changed == ()
    assert any("damaged UTF-8" in warning.message for warning in summary.warnings)
    [paper] = [p for p in opened.library.papers() if p.title.startswith("Café")]
    assert paper.abstract == "We revisit café networks. They still work."


def test_an_email_with_both_parts_imports_the_plain_papers_not_the_page_heading(
    expected: list[Pair],
) -> None:
    papers = expected[:5]
    markup = html_page(papers).replace("<main", "<main><h1>Trending papers</h1><div", 1)
    data = build_email(plain=as_digest(papers), markup=markup, cte="quoted-printable")
    result = read_digest(data, "digest.eml")
    assert pairs(result) == papers
    assert not any("Trending papers" in warning.message for warning in result.warnings)


def test_a_page_heading_is_never_a_paper() -> None:
    page = (
        "<html><body><h1>Trending papers</h1><h2>Today</h2>"
        "<h3>Sparse Mixtures at Scale</h3><p>We scale sparse mixtures. They work.</p>"
        "<h3>Dense Models Revisited</h3><p>We revisit dense models. They also work.</p>"
        "</body></html>"
    )
    result = read_digest(page.encode(), "page.html")
    assert [title for title, _ in pairs(result)] == [
        "Sparse Mixtures at Scale",
        "Dense Models Revisited",
    ]


def test_a_one_sentence_abstract_without_a_full_stop_stays_an_abstract(
    expected: list[Pair],
) -> None:
    short = (
        "We show that a single linear probe on frozen features matches full fine-tuning"
        " on eleven of twelve benchmarks"
    )
    papers = [*expected[:3], ("Linear Probes Are Enough", short), *expected[3:6]]
    result = parse_digest(as_digest(papers))
    assert pairs(result) == papers
    assert result.warnings == ()


@pytest.mark.parametrize(
    "note",
    [
        "Hello,\nHere is the list I promised. Let me know what you think.\nBob\n",
        "Dear all,\nthe meeting moved to Friday, see you there\n",
        "As promised:\nthe papers are in the shared folder now, have a look\n",
    ],
)
def test_a_short_note_is_not_a_digest(note: str) -> None:
    with pytest.raises(DigestError, match="no papers found"):
        read_digest(note.encode(), "note.txt")
