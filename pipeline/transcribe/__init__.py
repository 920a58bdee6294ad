"""The transcribe stage: speech regions, languages and Whisper text (entry: recording.py)."""
