"""Read a digest from what a user has: pasted text, a text file, a saved e-mail or web page.

Bytes are decoded (BOM, UTF-16, UTF-8, then Windows-1252), the format is picked from the
content rather than the file name, and e-mail and HTML are reduced to the same lines a
user would copy from the page, so every source gives the same papers.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from html.parser import HTMLParser
from typing import Literal

from readinglist.core.digest_parser import parse_digest
from readinglist.core.errors import DigestError
from readinglist.core.models import ParsedPaper, ParseResult, ParseWarning
from readinglist.core.normalize import clean_text
from readinglist.core.text_lines import iter_lines

MAX_DIGEST_BYTES = 64 * 1024 * 1024
SourceFormat = Literal["text", "email", "html"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_EMAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "mime-version",
        "content-type",
        "message-id",
        "received",
        "return-path",
        "delivered-to",
        "reply-to",
        "x-mailer",
    }
)
_PDF_START = re.compile(rb"\s*%PDF-")  # matched at the start: no copy of the data
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]")
# Each leading comment ends at its first "-->": with a lazy ".*?" inside the repeat, a run
# of comments could be split in exponentially many ways before a failed match.
_HTML_START = re.compile(
    r"^\s*(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(r"</?(p|div|h[1-6]|body|article|section|span|a|br|table)\b", re.I)


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: text in the Latin range has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source_name: str) -> tuple[str, list[ParseWarning]]:
    """Text from bytes, or a DigestError saying why these bytes are not a digest."""
    if _PDF_START.match(data):
        raise DigestError(
            f"{source_name} is a PDF; import the digest as text, a saved e-mail (.eml) or a"
            " saved web page (.html)"
        )
    warnings: list[ParseWarning] = []
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _guess_utf16(data)
    if encoding is not None:
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, warnings = _not_utf8(data)
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise DigestError(f"{source_name} is binary data, not a digest")
    return text, warnings


# A character of more than one byte, as UTF-8 writes it.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _not_utf8(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Text that is not valid UTF-8 as a whole, decoded line by line.

    Without a single UTF-8 character anywhere it is a Windows-1252 file. Otherwise it
    is UTF-8 with some bad lines, and reading the whole file as Windows-1252 would
    garble every good line ("é" as "Ã©": each title a new, duplicate paper, each
    abstract overwriting a good one). So only the bad lines get another reading: a line
    without any UTF-8 character is Windows-1252 (pasted from elsewhere); a line with
    some is damaged UTF-8, its bad bytes shown as U+FFFD (an abstract holding one never
    replaces a paper's abstract: see Library.import_parsed)."""
    if not _UTF8_SEQUENCE.search(data):
        text = data.decode("cp1252", errors="replace")
        return text, [ParseWarning(0, "not UTF-8: read as Windows-1252 (cp1252)")]
    lines: list[str] = []
    warnings: list[ParseWarning] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            if _UTF8_SEQUENCE.search(raw):
                lines.append(raw.decode("utf-8", errors="replace"))
                warnings.append(ParseWarning(number, "damaged UTF-8: bad bytes shown as \ufffd"))
            else:
                lines.append(raw.decode("cp1252", errors="replace"))
                warnings.append(ParseWarning(number, "not UTF-8: read as Windows-1252 (cp1252)"))
    return "\n".join(lines), warnings


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    replaced = sample.count("\ufffd")
    return bool(sample) and (controls + replaced) > 0.02 * len(sample)


def detect_format(text: str) -> SourceFormat:
    """Pick the format from the content, not the file name."""
    head = text[:20000]
    if _looks_like_email(head):
        return "email"
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head)) >= 4:
        return "html"
    return "text"


def _looks_like_email(head: str) -> bool:
    names: set[str] = set()
    for line in head.lstrip().splitlines()[:60]:
        if not line.strip():
            break
        match = _HEADER_LINE.match(line)
        if match:
            names.add(match.group(1).lower())
        elif not line[:1].isspace():  # a header continuation starts with white space
            return False
    return len(names & _EMAIL_HEADERS) >= 2


class _TextExtractor(HTMLParser):
    """Text of an HTML page, one line per block, without scripts, styles or navigation."""

    _SKIP = frozenset(
        {
            "script",
            "style",
            "head",
            "noscript",
            "template",
            "svg",
            "nav",
            "header",
            "footer",
            "button",
            "form",
            "aside",
            "select",
            "iframe",
            "object",
        }
    )
    _VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "source"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "tr",
            "td",
            "th",
            "table",
            "article",
            "section",
            "blockquote",
            "pre",
            "dd",
            "dt",
            "dl",
            "main",
            "title",
            "figure",
            "figcaption",
            "br",
            "hr",
        }
    )

    # The page's own headings: a digest's title lines are never in h1 or h2 alone.
    _CHROME_HEADINGS = frozenset({"h1", "h2"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self.headings: set[str] = set()
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag in self._CHROME_HEADINGS:
                self._heading = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag in self._CHROME_HEADINGS and self._heading is not None:
                self.headings.add(" ".join("".join(self._heading).split()))
                self._heading = None

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data.replace("\n", " "))
            if self._heading is not None:
                self._heading.append(data)


def html_to_text(markup: str) -> str:
    """The lines a user would copy from the page."""
    return _html_text(markup)[0]


def _html_text(markup: str) -> tuple[str, frozenset[str]]:
    """The lines a user would copy from the page, and its h1 and h2 headings."""
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except (AssertionError, ValueError):  # html.parser on badly broken markup
        pass
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line), frozenset(extractor.headings)


def _without_chrome(result: ParseResult, headings: frozenset[str]) -> ParseResult:
    """The papers less the page's headings taken for titles: an h1 or h2 line with no
    abstract ("Trending papers") is the page's, not a paper."""
    dropped = {
        paper.line
        for paper in result.papers
        if not paper.abstract and clean_text(paper.title) in headings
    }
    if not dropped:
        return result
    return ParseResult(
        tuple(paper for paper in result.papers if paper.line not in dropped),
        tuple(
            warning
            for warning in result.warnings
            if not (warning.line in dropped and "has no abstract" in warning.message)
        ),
    )


def _unflow(text: str) -> str:
    """Undo RFC 3676 format=flowed: a line ending in a space continues on the next."""
    out: list[str] = []
    pieces: list[str] = []  # the lines of the paragraph being joined, joined once (linear)
    for raw in iter_lines(text):
        line = raw[1:] if raw.startswith(" ") else raw  # space-stuffing
        pieces.append(line)
        if not line.endswith(" ") or line == "-- ":
            out.append("".join(pieces))
            pieces = []
    if pieces:
        out.append("".join(pieces))
    return "\n".join(out)


def _part_text(part: Message, source_name: str) -> tuple[str, frozenset[str]]:
    """A part's digest text, and its headings when it is HTML."""
    text = _decoded_payload(part, source_name)
    if part.get_content_type() == "text/html":
        return _html_text(text)
    if str(part.get_param("format") or "").lower() == "flowed":
        return _unflow(text), frozenset()
    return text, frozenset()


def _decoded_payload(part: Message, source_name: str) -> str:
    """The text of a part, decoded by its transfer encoding and charset."""
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte in ("", "7bit", "8bit", "binary"):
        raw = part.get_payload()
        # Not transfer-encoded: the text was already decoded with the whole file. Asking
        # for bytes would turn "“" into a literal "\\u201c" (raw-unicode-escape).
        return raw if isinstance(raw, str) else ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        return payload.decode(part.get_content_charset() or "utf-8")
    except (LookupError, UnicodeError):  # UnicodeError: "idna" and "punycode" raise it bare
        text, _ = decode_bytes(payload, source_name)
        return text


def email_to_texts(raw: str, source_name: str) -> list[str]:
    """The digest text of each text/plain and text/html part, plain parts first."""
    plain, html = _email_parts(raw, source_name)
    return [text for text, _ in plain + html]


def _email_parts(
    raw: str, source_name: str
) -> tuple[list[tuple[str, frozenset[str]]], list[tuple[str, frozenset[str]]]]:
    """(text, headings) of the text/plain parts and of the text/html parts."""
    message = email.message_from_string(raw, policy=email.policy.compat32)
    plain: list[tuple[str, frozenset[str]]] = []
    html: list[tuple[str, frozenset[str]]] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        try:
            found = _part_text(part, source_name)
        except DigestError:
            continue
        (plain if kind == "text/plain" else html).append(found)
    return plain, html


def _with_abstracts(result: ParseResult) -> int:
    return sum(1 for paper in result.papers if paper.abstract)


def _email_result(text: str, source_name: str) -> ParseResult:
    """The papers of the best part. The plain part is what the sender wrote as text; the
    HTML part adds the page around the papers. So plain text is kept whenever it has
    as many papers with an abstract as the HTML part; HTML only when it has more (a
    plain part that is a stub: "view this e-mail in a browser")."""
    plain, html = _email_parts(text, source_name)
    plain_results = [parse_digest(part) for part, _ in plain]
    html_results = [_without_chrome(parse_digest(part), heads) for part, heads in html]
    best_plain = max(plain_results, key=_with_abstracts, default=None)
    best_html = max(html_results, key=_with_abstracts, default=None)
    if best_plain is None:
        return best_html or ParseResult(())
    if best_html is None or _with_abstracts(best_plain) >= _with_abstracts(best_html):
        return best_plain
    return best_html


def parse_source(text: str, source_name: str) -> ParseResult:
    """Papers from decoded text of any supported format; a DigestError when there are none."""
    fmt = detect_format(text)
    if fmt == "email":
        result = _email_result(text, source_name)
    elif fmt == "html":
        markup_text, headings = _html_text(text)
        result = _without_chrome(parse_digest(markup_text), headings)
    else:
        result = parse_digest(text)
    # Title lines without a single abstract are not a digest (a garbled e-mail part, a
    # page with one heading), nor is a note without one title-and-abstract pair
    # ("Hello," and a line of text): importing them would fill the library with noise.
    if not any(_plausible(paper) for paper in result.papers):
        what = {"email": "e-mail", "html": "web page", "text": "text"}[fmt]
        raise DigestError(
            f"{source_name}: no papers found in this {what} (a digest is a title line"
            " followed by its abstract, repeated)"
        )
    return result


def _plausible(paper: ParsedPaper) -> bool:
    """A title and an abstract that could be a paper's: an abstract, and a title of two
    words or more that is not a salutation or the lead-in of a sentence ("Hello,",
    "Dear all,", "As promised:"). A digest has many such pairs; a note has none."""
    title = paper.title.strip()
    return (
        bool(paper.abstract.strip())
        and len(title.split()) >= 2
        and not title.endswith((",", ";", ":"))
    )


def check_size(data: bytes, source_name: str, what: str) -> None:
    """Refuse what is empty or over the limit before anything is decoded."""
    if len(data) > MAX_DIGEST_BYTES:
        raise DigestError(
            f"{source_name} is {len(data) // (1024 * 1024)} MB; {what} is at most"
            f" {MAX_DIGEST_BYTES // (1024 * 1024)} MB"
        )
    if not data or data.isspace():  # not data.strip(): no copy of a 100 MB file
        raise DigestError(f"{source_name} is empty")


def read_digest(data: bytes, source_name: str) -> ParseResult:
    """Papers from the bytes of a file or a paste, with decoding warnings first."""
    check_size(data, source_name, "a digest")
    text, warnings = decode_bytes(data, source_name)
    result = parse_source(text, source_name)
    return ParseResult(result.papers, tuple(warnings) + result.warnings)
