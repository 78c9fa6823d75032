"""Data capture: the requests and responses the endpoint records, for the model monitoring module to analyze."""
