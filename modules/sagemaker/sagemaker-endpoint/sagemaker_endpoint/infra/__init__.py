"""The CDK side of the module: the stack and the constructs it composes, each taking its part of the plan."""
