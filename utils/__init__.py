"""Shared, tested code for the VGG16 image-classification course.

Every notebook imports from here; nothing in ``utils`` is copied into a notebook.
"""
