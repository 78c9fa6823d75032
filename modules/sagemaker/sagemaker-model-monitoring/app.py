"""Seed-Farmer's entry point (deployspec.yaml runs `python app.py` here): synthesizes the model monitoring module."""

from sagemaker_model_monitoring.synthesis import main

if __name__ == "__main__":
    main()
