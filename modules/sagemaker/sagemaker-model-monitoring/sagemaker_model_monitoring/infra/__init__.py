"""The constructs of the module, each built from its part of the plan."""
