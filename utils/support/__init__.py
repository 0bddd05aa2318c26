"""What the notebooks use but do not teach: figures, evaluation, checkpoints and model summaries."""
