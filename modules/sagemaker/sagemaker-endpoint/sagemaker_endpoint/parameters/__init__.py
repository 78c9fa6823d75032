"""What every feature's parameters share: how each kind of value is checked (formats.py), the types fields are
declared with (values.py), and every feature's parameters read as one class (declared.py)."""
