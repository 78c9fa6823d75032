"""The module's constructs, each built from its part of the plan: the group, the artifacts, the event forwarding."""
