"""Tools that keep the repository's generated files current (make library)."""
