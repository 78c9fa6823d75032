"""The Studio stack's constructs, one concern per file."""
