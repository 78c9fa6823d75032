"""Seed-Farmer's entry point (deployspec.yaml runs `python app.py` here): synthesizes the SageMaker Studio module."""

from sagemaker_studio.synthesis import main, synthesize

__all__ = ["main", "synthesize"]  # synthesize: the parameter matrix calls it once per parameter set

if __name__ == "__main__":
    main()
