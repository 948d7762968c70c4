"""BibTeX: one ``@misc`` per paper, LaTeX special characters escaped.

Values are brace-delimited; every brace, backslash and special character of the text is
escaped, so a value's braces always balance and LaTeX prints the text as it is. URLs
are written as they are (the ``url`` package reads them verbatim), with braces and
spaces percent-encoded.
"""

from __future__ import annotations

import re

from readinglist.core.exchange.bundle import ExportOptions, LibraryExport
from readinglist.core.exchange.keys import citation_keys
from readinglist.core.exchange.text import year_of
from readinglist.core.models import LinkKind, Paper

_LATEX = {
    "\\": r"\textbackslash{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# Pairs TeX turns into one character ("--" is a dash, "``" a quote, "?`" is "¿"): an
# empty group between them keeps both characters.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
# BibTeX counts braces even when escaped, so \{ and \} are used only when they pair up.
_BALANCED = {"{": r"\{", "}": r"\}"}
_UNBALANCED = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def escape_latex(text: str) -> str:
    """Text as LaTeX prints it back; white space collapsed (a field is one line)."""
    value = " ".join(text.split())
    braces = _BALANCED if _balanced(value) else _UNBALANCED
    escaped = "".join(_LATEX.get(ch) or braces.get(ch) or ch for ch in value)
    return _LIGATURE.sub("{}", escaped)


def _author(name: str) -> str:
    """One name; braced when a comma or "and" inside would split or turn it around."""
    value = escape_latex(name)
    if "," in value or " and " in f" {value.lower()} ":
        return "{" + value + "}"
    return value


def _url(url: str) -> str:
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _note(paper: Paper) -> str:
    parts = [f"status: {paper.status.value}"]
    if paper.rating:
        parts.append(f"rating: {paper.rating}/5")
    if paper.priority.value != "none":
        parts.append(f"priority: {paper.priority.value}")
    code = next((link.url for link in paper.links if link.kind is LinkKind.CODE), None)
    if code:
        parts.append(f"code: {code}")
    if paper.notes.strip():
        parts.append(paper.notes)
    return "; ".join(parts)


def entry(paper: Paper, key: str) -> str:
    fields: list[tuple[str, str]] = [("title", "{" + escape_latex(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    fields.append(("year", str(year_of(paper))))
    if paper.abstract:
        fields.append(("abstract", escape_latex(paper.abstract)))
    url = paper.links[0].url if paper.links else None
    if paper.arxiv_id:
        fields += [
            ("eprint", escape_latex(paper.arxiv_id)),
            ("archiveprefix", "arXiv"),
            ("url", f"https://arxiv.org/abs/{paper.arxiv_id}"),
        ]
    elif url:
        fields.append(("url", _url(url)))
    if paper.tags:
        fields.append(("keywords", escape_latex(", ".join(paper.tags))))
    fields.append(("note", escape_latex(_note(paper))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def render(data: LibraryExport, options: ExportOptions) -> str:
    keys = citation_keys(data.papers)
    return "\n".join(entry(paper, keys[paper.id]) for paper in data.papers)
