"""The event and its sessions: the manifest, and which session a moment belongs to."""
