"""Soft-subtitled MP4/MKV per session (session.py)."""
