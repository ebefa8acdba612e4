"""Slide titles a room can read: the finding in about a dozen words, the numbers beneath it.

The slide builders write each title as the full statistical sentence (finding, interval, values),
which is right for the app's text and the speaker notes but runs to two or three lines on a
slide. ``split_title`` cuts it at its first natural break (a parenthesis, a colon or a semicolon
after at least three words; a parenthesis without a number, such as "(any stage)", belongs to
a name and is not a break) into a short title and a subtitle that keeps every number; nothing is
dropped, so the slide still says everything the sentence said.
"""

from __future__ import annotations

import re

MIN_TITLE_WORDS = 3
_BREAK = re.compile(r" \(|: |; ")


def split_title(sentence: str) -> tuple[str, str]:
    """(short title, subtitle): the subtitle is the rest of the sentence, possibly empty."""
    text = " ".join(sentence.split())
    for match in _BREAK.finditer(text):
        head = text[: match.start()].rstrip(" ,.")
        if len(head.split()) < MIN_TITLE_WORDS:
            continue
        if match.group() == " (" and _is_qualifier(text[match.end() :]):
            continue  # "withdrawal (any stage)" is part of a name, not where the numbers start
        rest = text[match.start() :].strip()
        rest = rest[1:].strip() if rest[:1] in ":;" else rest
        return head, rest
    return text.rstrip(". "), ""


def _is_qualifier(rest: str) -> bool:
    """True when the parenthesis that ``rest`` follows closes before any digit: a name's
    qualifier ("any stage)"), not an interval or a value."""
    depth = 1
    for i, ch in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:  # the matching parenthesis, nested ones included ("(Human-first (A) 71%")
            return not any(c.isdigit() for c in rest[:i])
    return False
