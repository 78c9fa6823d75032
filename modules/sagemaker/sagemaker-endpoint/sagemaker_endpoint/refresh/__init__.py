"""Model refresh: the endpoint loads its model data again after a new upload."""
