"""Data, training, evaluation and harvesting; writes the model and its card into `model/`."""
