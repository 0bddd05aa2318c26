"""Settings decided once: the run mode, the device and its CPU threads, the speed settings, the paths and the
progress bars.

This is the only part of the course that reads the environment; everything else takes what it needs as
arguments. The setup cell of every notebook calls :func:`utils.settings.notebook_setup.setup_notebook`.
"""
