"""Settings decided once: mode, device, speed, paths, progress bars. The only part of the course that reads the
environment; the notebooks' setup cell calls :func:`utils.settings.notebook_setup.setup_notebook`."""
