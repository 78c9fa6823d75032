"""The SageMaker endpoint module: parameters in, a plan of every decision, CDK constructs out.

mlops_platform.contract (the platform library, bundled with every module) reads Seed-Farmer's environment;
parameters/ declares and checks each parameter, rules.py how they combine; plan.py makes every decision
once (specs.py holds their shapes) without importing the CDK; infra/ builds the resources from the plan;
model_package.py is the one AWS lookup at synth time; synthesis.py puts them together.
"""
