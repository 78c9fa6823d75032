"""Shadow tests: a variant that receives a copy of production requests, whose answers are discarded."""
