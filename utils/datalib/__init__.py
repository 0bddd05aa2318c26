"""The data library: the course's files (``artifacts``), fetched and mirrored (``fetch``),
checked (``verify``, ``checksums``) and written safely (``atomic_write``)."""
