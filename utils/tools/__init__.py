"""Tools for teachers and contributors: ``python -m utils.tools.benchmark``."""
