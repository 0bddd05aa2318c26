"""Wrap and shorten the course's messages to a number of columns, a Hangul syllable counting two
(``utils.settings.language.display_width``). Text as wide as it is long (English) goes to ``textwrap``
itself, so the English lines stay exactly as they were."""

import textwrap

from utils.settings.language import display_width


def _narrow(*texts: str) -> bool:
    return all(display_width(text) == len(text) for text in texts)


def _fit(text: str, width: int, keep: int) -> int:
    """The most characters of ``text`` (at least ``keep`` + 1) that fit ``width`` columns."""
    end = keep + 1
    while end < len(text) and display_width(text[:end + 1]) <= width:
        end += 1
    return end


def fill_columns(text: str, width: int, subsequent_indent: str = "",
                 break_on_hyphens: bool = True) -> str:
    """``textwrap.fill(text, width, ...)``, counting columns: words (runs without spaces) go on a
    line while it fits ``width`` columns; a word longer than a line is cut."""
    if _narrow(text, subsequent_indent):
        return textwrap.fill(text, width, subsequent_indent=subsequent_indent,
                             break_on_hyphens=break_on_hyphens)
    lines, current = [], ""
    for word in text.split():
        if current and display_width(f"{current} {word}") <= width:
            current = f"{current} {word}"
            continue
        if current:
            lines.append(current)
        current = (subsequent_indent if lines else "") + word
        while display_width(current) > width:
            keep = len(subsequent_indent) if lines else 0
            cut = _fit(current, width, keep)
            lines.append(current[:cut])
            current = subsequent_indent + current[cut:]
    if current:
        lines.append(current)
    return "\n".join(lines)


def shorten_columns(text: str, width: int, placeholder: str = " [...]") -> str:
    """``textwrap.shorten(text, width)``, counting columns: the whitespace collapsed, then whole
    words dropped from the end (``placeholder`` instead) until it fits ``width`` columns."""
    if _narrow(text, placeholder):
        return textwrap.shorten(text, width, placeholder=placeholder)
    words = text.split()
    if display_width(" ".join(words)) <= width:
        return " ".join(words)
    kept = []
    for word in words:
        if display_width(" ".join([*kept, word]) + placeholder) > width:
            break
        kept.append(word)
    return " ".join(kept) + placeholder if kept else placeholder.strip()
