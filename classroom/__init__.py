"""Tools for teachers: the student edition, the static site, the Colab first cell, memory figures, the hub check."""
