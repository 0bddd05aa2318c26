"""The course's one error base: a problem the reader can fix, told in one line that names the file and the fix."""


class CourseError(Exception):
    """An error whose message says what is wrong and what to do. Jupyter shows it as that one line
    (IPython calls ``_render_traceback_``) instead of a traceback through the course's code."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class SettingsError(CourseError, ValueError):
    """An environment variable of the course has a value it does not understand."""
