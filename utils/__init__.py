"""Shared, tested code for the VGG16 image-classification course.

Installed with the course (``pip install -e .``, which ``make setup`` runs), so notebooks import it directly.
"""
