"""The CloudWatch metrics monitoring jobs publish, as AWS names them, and which direction is worse.

A job publishes metrics only when its environment says `publish_cloudwatch_metrics: Enabled` (the SageMaker
Python SDK sets it for every schedule it creates; the reference module set nothing, so its jobs published
none). For a real-time endpoint they land in these namespaces with the dimensions `Endpoint` and
`MonitoringSchedule` (Model Monitor's and Clarify's CloudWatch pages, and the SDK's dashboards):
data quality `feature_baseline_drift_<feature>` (a distance from the baseline: higher is worse), model
quality one metric per measure of its problem type. Bias and explainability metrics carry further
dimensions (facet, label, stage) known only from their analysis configuration, so they get no alarm here;
their violations reach the topic through the execution notices instead (notices.py).
"""

from __future__ import annotations

NAMESPACES = {
    "DataQuality": "aws/sagemaker/Endpoints/data-metrics",
    "ModelQuality": "aws/sagemaker/Endpoints/model-metrics",
    "ModelBias": "aws/sagemaker/Endpoints/bias-metrics",
    "ModelExplainability": "aws/sagemaker/Endpoints/explainability-metrics",
}
DRIFT_PREFIX = "feature_baseline_drift_"
LOWER_IS_WORSE = "lower"
HIGHER_IS_WORSE = "higher"
# Model quality metrics by problem type (Model quality metrics and Amazon CloudWatch monitoring).
MODEL_QUALITY = {
    "Regression": {"mae": HIGHER_IS_WORSE, "mse": HIGHER_IS_WORSE, "rmse": HIGHER_IS_WORSE, "r2": LOWER_IS_WORSE},
    "BinaryClassification": {
        **dict.fromkeys(
            ("accuracy", "precision", "recall", "f0_5", "f1", "f2", "auc", "true_positive_rate", "true_negative_rate"),
            LOWER_IS_WORSE,
        ),
        "false_positive_rate": HIGHER_IS_WORSE,
        "false_negative_rate": HIGHER_IS_WORSE,
    },
    "MulticlassClassification": dict.fromkeys(
        ("accuracy", "weighted_precision", "weighted_recall", "weighted_f0_5", "weighted_f1", "weighted_f2"),
        LOWER_IS_WORSE,
    ),
}


def worse_when(monitoring_type: str, metric: str, problem_type: str | None) -> str:
    """ "higher" or "lower": the direction of `metric` that means the model got worse."""
    if monitoring_type == "DataQuality":
        return HIGHER_IS_WORSE
    return MODEL_QUALITY[problem_type or "Regression"][metric]


def check_thresholds(monitoring_type: str, thresholds: dict[str, float], problem_type: str | None) -> None:
    """ValueError naming a metric the job does not publish, with the names it does."""
    for metric in thresholds:
        if monitoring_type == "DataQuality":
            if not metric.startswith(DRIFT_PREFIX) or metric == DRIFT_PREFIX:
                raise ValueError(
                    f"'{metric}' is not a data quality drift metric; they are named {DRIFT_PREFIX}<feature>, "
                    "one per column of the captured data"
                )
        else:
            known = MODEL_QUALITY[problem_type or "Regression"]
            if metric not in known:
                raise ValueError(
                    f"'{metric}' is not a model quality metric of problem type {problem_type}; "
                    f"its metrics are {', '.join(sorted(known))}"
                )
