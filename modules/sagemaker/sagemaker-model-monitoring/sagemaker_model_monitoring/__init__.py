"""The model monitoring module: parameters in, the endpoint read as deployed, a plan, CDK constructs out.

contract.py reads Seed-Farmer's environment (shared with every module); parameters/ declares and checks
each parameter, rules.py how they combine and schedule.py which schedules Model Monitor accepts;
endpoint.py, capture.py and baselines.py read the endpoint, its capture and its package's baselines at
synth time (aws_reads.py says how); images.py names the jobs' images from images.json; plan.py makes every
decision once (specs.py holds their shapes, names.py the names); infra/ builds the resources; synthesis.py
puts them together.
"""
