"""The cues stage: sentences cut into subtitle cues under a profile (build.py)."""
