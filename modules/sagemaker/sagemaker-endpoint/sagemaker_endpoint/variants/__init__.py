"""The production variants and their scaling: sizes, weights, serverless, autoscaling, instance quotas, and the
updates SageMaker refuses."""
