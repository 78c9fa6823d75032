"""Inference components: each model runs as a component whose copies scale, on instances SageMaker manages."""
