"""The endpoint itself: its governance and execution role, its configuration, the endpoint and what it publishes."""
