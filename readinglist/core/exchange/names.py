"""Author names: read with their structure, written so each format reads them back.

BibTeX's ``author`` field names people in three forms (``First von Last``, ``von
Last, First``, ``von Last, Jr, First``); this module splits them by BibTeX's own
documented rules, since that is what the field means to every tool that reads it.
A name given with commas, or split by that rule, is *structured* (family and given
known); a name from a digest or Hugging Face is not, and every exporter writes it as
it is (BibTeX splits it itself; CSL-JSON gets a ``literal``), never a guessed split.

The one difference from BibTeX's program: whether a word is lower case (a "von"
particle) is decided by its first letter in Unicode, so ``Ñúñez`` is a capitalised
name, where BibTeX (which reads bytes) takes it for a particle.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from readinglist.core.exchange.latex import decode_latex, escape_latex
from readinglist.core.metadata import PersonName

_AND: Final = re.compile(r"\s+and\s+", re.IGNORECASE)


def _split_top(text: str, separator: re.Pattern[str]) -> list[str]:
    """``text`` split where ``separator`` matches outside braces."""
    pieces: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":  # \{ and \} do not open or close a group
            i += 2
            continue
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth == 0 and (found := separator.match(text, i)) is not None and found.end() > i:
            pieces.append(text[start:i])
            start = i = found.end()
            continue
        i += 1
    pieces.append(text[start:])
    return pieces


_COMMA: Final = re.compile(r",")
_SPACE: Final = re.compile(r"[\s~]+")


def _is_lower(word: str) -> bool:
    """Whether BibTeX reads ``word`` as a lower-case word (a particle: von, van der).

    The first letter decides; a brace group first is upper case (``{de la}`` is how a
    writer keeps a particle out of the von part), unless it is a special character
    (``{\\'e}``), whose letter decides.
    """
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "{":
            if not word.startswith("{\\", i):
                return False
            end = _group_end(word, i)
            letter = next((c for c in decode_latex(word[i:end]) if c.isalpha()), None)
            if letter is not None:
                return letter.islower()
            i = end
            continue
        if ch.isalpha():
            return ch.islower()
        i += 1
    return False


def _group_end(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += 1 if text[i] == "{" else -1 if text[i] == "}" else 0
        if depth == 0:
            return i + 1
    return len(text)


def display_name(given: str | None, family: str, suffix: str | None) -> str:
    """How a structured name is shown: ``John von Neumann Jr``."""
    return " ".join(part for part in (given, family, suffix) if part)


def parse_name(raw: str) -> PersonName | None:
    """One BibTeX name (LaTeX as written) with its structure; None for ``others``."""
    parts = [part.strip() for part in _split_top(raw.strip(), _COMMA)]
    jr = ""
    if len(parts) == 1:
        words = [w for w in _split_top(parts[0], _SPACE) if w]
        if not words:
            return None
        if len(words) == 1 and words[0].lower() == "others":
            return None  # BibTeX's "et al."
        # First von Last: the von part runs from the first to the last lower-case word
        # before the last word; with none, the last word is the family name.
        lower = [i for i, word in enumerate(words[:-1]) if _is_lower(word)]
        cut = lower[0] if lower else len(words) - 1
        first, family_words = words[:cut], words[cut:]
    else:  # von Last, First / von Last, Jr, First: the commas say it all
        family_words = [w for w in _split_top(parts[0], _SPACE) if w]
        if len(parts) == 2:
            first = [parts[1]]
        else:
            jr, first = parts[1], [", ".join(parts[2:])]
    family = decode_latex(" ".join(family_words))
    given = decode_latex(" ".join(first)) or None
    suffix = decode_latex(jr) or None
    if not family:
        if given is None:
            return None
        family, given = given, None
    return PersonName(display_name(given, family, suffix), family, given, suffix)


def parse_names(value: str) -> tuple[PersonName, ...]:
    """An ``author`` field: ``Hinton, Geoffrey and Yann LeCun and {Google DeepMind}``."""
    names = (parse_name(part) for part in _split_top(value, _AND))
    return tuple(name for name in names if name is not None)


def key_family(person: PersonName) -> str:
    """The family name a citation key starts with: the structured one, else the one
    BibTeX would read out of the name as written."""
    if person.family is not None:
        return person.family
    parsed = parse_name(escape_latex(person.name))
    return "" if parsed is None else parsed.family or ""


# --- writing ------------------------------------------------------------------------


def _protected(value: str) -> str:
    """A name part braced when a comma or a lone "and" in it would split it."""
    if "," in value or " and " in f" {value.lower()} ":
        return "{" + value + "}"
    return value


def bibtex_name(person: PersonName) -> str:
    """``Family, Given`` (``Family, Suffix, Given``) for a structured name, which
    BibTeX and our reader read back into the same parts; a one-part name (an
    organisation) braced when it has more than one word; any other name as written."""
    if person.family is None:
        value = escape_latex(person.name)
        return "{" + value + "}" if value.lower() == "others" else _protected(value)
    family = escape_latex(person.family)
    if person.given is None and person.suffix is None:
        one_word = not any(ch.isspace() for ch in family) and family.lower() != "others"
        return family if one_word and "," not in family else "{" + family + "}"
    given = _protected(escape_latex(person.given or ""))
    if person.suffix is None:
        return f"{_protected(family)}, {given}"
    return f"{_protected(family)}, {_protected(escape_latex(person.suffix))}, {given}".rstrip()


def csl_name(person: PersonName) -> dict[str, str]:
    """CSL-JSON: family/given (and suffix) when known; a one-part name as a family
    alone; a name nobody split as a ``literal`` (printed whole, never abbreviated)."""
    if person.family is None:
        return {"literal": person.name}
    name = {"family": person.family}
    if person.given:
        name["given"] = person.given
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def ris_name(person: PersonName) -> str:
    """RIS ``AU``: ``Family, Given`` (``Family, Given, Suffix``); others as written."""
    if person.family is None or person.given is None:
        return person.name if person.family is None else person.family
    if person.suffix:
        return f"{person.family}, {person.given}, {person.suffix}"
    return f"{person.family}, {person.given}"


def same_person(a: str, b: str) -> bool:
    """Whether two spellings name the same person: case, accents, punctuation and
    spacing aside (``José Ñúñez-García`` and ``Jose Nunez Garcia``)."""
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())
