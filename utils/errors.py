"""The course's errors: each is one line that names the file or setting and the fix."""


class CourseError(Exception):
    """An error whose message says what is wrong and what to do; Jupyter shows that line, not a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook
        return [f"{type(self).__name__}: {self}"]


class SettingsError(CourseError, ValueError):
    """An environment variable of the course has a value it does not understand."""


class DataToolError(CourseError):
    """A problem with the course's files that the user can fix."""


class DownloadError(DataToolError):
    """A file is in no mirror and could not be downloaded (offline?)."""
