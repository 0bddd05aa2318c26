"""The data library: the course's files (``artifacts``), put in place (``fetch``, ``mirror``, ``safezip``),
checked (``verify``, ``checksums``) and written safely (``atomic_write``).

``python -m utils.prepare_data`` is the command-line tool on top of it; the weights loader uses it too.
"""
