"""The networking module: a VPC with subnet tiers, flow logs and the VPC endpoints private workloads need.

contract.py reads Seed-Farmer's environment (shared, byte for byte, with every module of the repository),
settings.py declares and checks the parameters, stack.py builds the resources, synthesis.py puts them together.
"""
