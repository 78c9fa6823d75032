"""The endpoint's parameters: each declared once, typed, with the check of its single value."""

from sagemaker_endpoint.parameters.settings import EndpointSettings

__all__ = ["EndpointSettings"]
