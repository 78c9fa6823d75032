"""The model package group module: a SageMaker model registry group shared with workload accounts.

mlops_platform (the platform library) reads Seed-Farmer's environment and assembles the app;
settings.py declares and checks the parameters, plan.py makes every decision, grants.py writes what the
target accounts are granted, infra/ builds the resources, kept.py and existing.py read the account before
anything deploys, synthesis.py puts them together.
"""
