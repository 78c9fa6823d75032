"""Notifications and alarms: the topic, the rules that publish to it, and every variant's alarms."""
