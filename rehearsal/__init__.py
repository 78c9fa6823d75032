"""An offline rehearsal of `seedfarmer apply`: the deployment manifest, run against an emulated AWS account."""
