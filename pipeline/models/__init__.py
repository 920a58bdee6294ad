"""Installed models: located and verified here, installed by `make models` (install.py)."""
