"""The networking module: a VPC with subnet tiers, flow logs and the VPC endpoints private workloads need.

mlops_platform.contract (the platform library, bundled with every module) reads Seed-Farmer's environment,
settings.py declares and checks the parameters, stack.py builds the resources, synthesis.py puts them together.
"""
