"""Orchestration: one event, stage by stage (event.py)."""
