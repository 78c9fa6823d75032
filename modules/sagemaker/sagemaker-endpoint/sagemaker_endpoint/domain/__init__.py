"""Domain resource isolation: the SageMaker domain whose users may reach the endpoint."""
