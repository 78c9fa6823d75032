"""Every parameter of the module (settings.py), each job's (jobs.py), and the form of each value (formats.py)."""
