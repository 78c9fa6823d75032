"""The SageMaker Studio module: parameters in, a plan of every decision, CDK constructs out."""
