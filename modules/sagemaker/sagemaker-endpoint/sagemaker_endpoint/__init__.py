"""The SageMaker endpoint module: each feature a folder that owns its slice, from parameter to resource.

A feature (`capture/`, `variants/`, `refresh/`, ...) holds `parameters.py` (its parameters, each value checked
where it is declared), `rules.py` (how they combine), `plan.py` (its decisions, without the CDK) and its
constructs (`construct.py` or a file per part, with `grant_*` methods for what others may do with its
resources). Imports go downward only: parameters, rules, plan, constructs.

parameters/declared.py reads every feature's parameters as one class; settings.py runs every feature's rules
(placement.py those that need the deployment's account and region); plan.py asks every feature for its part of
the plan, once; stack.py builds every feature from its part; synthesis.py puts them together with the lookups at
synth time (model_source/lookup.py, inference_components/instance_sizes.py, variants/deployed.py and quotas.py).
"""
