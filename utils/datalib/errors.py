"""The data library's errors: one line each, naming the file and the fix."""

from utils.errors import CourseError


class DataToolError(CourseError):
    """A problem with the course's files that the user can fix; the message names the file and the fix."""


class DownloadError(DataToolError):
    """A file is in no mirror and could not be downloaded (offline?)."""
