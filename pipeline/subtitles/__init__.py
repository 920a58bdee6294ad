"""Subtitle norms (profiles), reading subtitle files, and `webconf check`."""
