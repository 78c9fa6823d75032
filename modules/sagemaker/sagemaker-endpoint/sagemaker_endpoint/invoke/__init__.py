"""The invoke function: a Lambda function that forwards a JSON request to the endpoint."""
