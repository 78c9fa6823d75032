"""An offline rehearsal of `seedfarmer apply`: the deployment manifest, run against emulated AWS accounts (one for
each account of its targetAccountMappings)."""
