"""Shared, tested code for the VGG16 image-classification course (installed by ``make setup``: ``pip install -e .``)."""
