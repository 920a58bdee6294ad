"""Recordings: what a file holds, its samples, and the media published beside the outputs."""
