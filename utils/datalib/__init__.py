"""The data library: fetching, verifying and writing the course's files safely.

``python -m utils.prepare_data`` is the command-line tool on top of it; the weights loader uses it too.
"""
