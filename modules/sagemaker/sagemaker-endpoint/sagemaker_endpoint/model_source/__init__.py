"""What the endpoint serves: a package, a group's newest approved package, an image or a pipeline, and its artifacts."""
