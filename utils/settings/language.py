"""The language of the course's own messages: the setup lines, the error messages, the Try-it hints and the
figure titles and legends. English is the source; ``utils/settings/ko_messages.py`` holds the Korean.

``tr("... {name} ...", name=value)`` looks the English template up in the table of the language that
``COURSE_LANG`` names (``en``, the default, or ``ko``; the Korean notebooks' setup cell sets it), fills in the
fields and returns the text; a template without a Korean entry comes back in English.
"""

import unicodedata
from collections.abc import Mapping


def message_table(lang: str) -> Mapping[str, str]:
    """The messages of ``lang`` ("en" or "ko"), keyed by their English templates (empty for English)."""
    if lang == "ko":
        from utils.settings.ko_messages import MESSAGES

        return MESSAGES
    return {}


def tr(template: str, /, **fields: object) -> str:
    """``template`` (English, with ``{name}`` fields) in the course's language, its fields filled in."""
    from utils.settings.environment import read_language  # here: environment.py imports the errors, which use tr

    text = message_table(read_language()).get(template, template)
    return text.format(**fields) if fields else text


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal or an editor: 2 for a wide character such as Hangul
    (``unicodedata.east_asian_width`` "W" or "F"), 1 for any other."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
