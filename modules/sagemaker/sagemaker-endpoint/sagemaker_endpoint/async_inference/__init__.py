"""Asynchronous inference: requests and results in S3, announced on SNS, scaled on the backlog from zero."""
