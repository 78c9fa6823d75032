"""Guarded rollouts: canary, linear or rolling updates that roll a bad model back on the alarms."""
