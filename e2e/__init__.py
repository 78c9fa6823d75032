"""The real Seed-Farmer, end to end, against the emulator: `python -m e2e` (make e2e)."""
