"""Seed-Farmer's entry point (deployspec.yaml runs `python app.py` here): synthesizes the model monitoring module."""

from sagemaker_model_monitoring.synthesis import main, synthesize

__all__ = ["main", "synthesize"]  # synthesize: the parameter matrix calls it once per parameter set

if __name__ == "__main__":
    main()
