"""The course's messages in Korean, keyed by their English templates (``utils/settings/language.py``).
``tests/test_language.py`` lists the English templates still missing here and the entries no code uses."""

MESSAGES: dict[str, str] = {
}
