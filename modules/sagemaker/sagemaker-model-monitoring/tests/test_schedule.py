"""Schedules as Model Monitor accepts them (ScheduleConfig, MonitoringStoppingCondition), refused otherwise."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sagemaker_model_monitoring import schedule

MQ = {
    "enable_model_quality_monitor": True,
    "model_quality_baseline_s3_uri": "s3://mlops-artifacts/baselines/model-quality",
    "model_quality_ground_truth_s3_uri": "s3://mlops-artifacts/labels",
}


@pytest.mark.parametrize(
    ("expression", "hours"),
    [
        ("cron(0 * ? * * *)", 1),
        ("cron(0 12 ? * * *)", 24),
        ("cron(0 0 ? * * *)", 24),
        ("cron(0 17/12 ? * * *)", 12),
        ("cron(0 0/2 ? * * *)", 2),
        ("cron(0 00/24 ? * * *)", 24),
        ("NOW", None),
    ],
)
def test_documented_expressions_are_accepted(expression: str, hours: int | None) -> None:
    assert schedule.parse(expression).interval_hours == hours


@pytest.mark.parametrize(
    "expression",
    [
        "cron(*/30 * ? * * *)",  # every 30 minutes: more often than Model Monitor runs
        "cron(15 * ? * * *)",  # not on the hour
        "rate(1 hour)",
        "cron(0 24 ? * * *)",
        "cron(0 0/25 ? * * *)",
        "cron(0 0/0 ? * * *)",
        "cron(0 * * * ? *)",
        "now",
    ],
)
def test_other_expressions_are_refused_with_what_is_accepted(expression: str) -> None:
    with pytest.raises(ValueError, match=r"Model Monitor accepts cron\(0 \* \? \* \* \*\) \(hourly\)"):
        schedule.parse(expression)


def test_a_schedule_more_frequent_than_hourly_is_refused_at_preflight(parameters: Callable[..., None]) -> None:
    from mlops_platform.contract import ParameterError
    from sagemaker_model_monitoring.parameters.settings import MonitoringSettings

    parameters(
        endpoint_name="ep",
        model_bucket_arn="arn:aws:s3:::b",
        enable_data_quality_monitor=True,
        data_quality_schedule_expression="cron(0/15 * ? * * *)",
    )
    with pytest.raises(ParameterError) as raised:
        MonitoringSettings.from_env()
    message = str(raised.value)
    assert message.startswith("parameter 'data-quality-schedule-expression': 'cron(0/15 * ? * * *)' is not")
    assert "nothing runs more often than hourly" in message


def test_now_needs_the_window_of_data_it_analyzes(refusal: Callable[..., str]) -> None:
    message = refusal(data_quality_schedule_expression="NOW")
    assert "parameter 'data-quality-data-analysis-start-time': required with schedule expression NOW" in message


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("-PT1H", None, "parameter 'data-quality-data-analysis-end-time': required with"),
        ("-PT1H", "-PT2H", "the window must start before it ends"),
        ("-PT25H", "PT0H", "longer than the 24 hours SageMaker allows"),
        ("PT1H", "PT2H", "both at or before the run"),
    ],
)
def test_a_window_sagemaker_refuses_is_refused(
    refusal: Callable[..., str], start: str, end: str | None, message: str
) -> None:
    assert message in refusal(
        data_quality_schedule_expression="NOW",
        data_quality_data_analysis_start_time=start,
        data_quality_data_analysis_end_time=end,
    )


@pytest.mark.parametrize(
    ("fields", "limit"),
    [
        ({"data_quality_max_runtime_in_seconds": 3601}, "3600 s at most"),
        ({**MQ, "model_quality_max_runtime_in_seconds": 1801}, "1800 s at most"),
        (
            {"data_quality_schedule_expression": "cron(0 0/2 ? * * *)", "data_quality_max_runtime_in_seconds": 7201},
            "7200",
        ),
    ],
)
def test_a_run_may_not_outlast_its_schedule_interval(
    refusal: Callable[..., str], fields: dict[str, object], limit: str
) -> None:
    assert limit in refusal(**fields)


def test_runtimes_within_the_interval_are_accepted(accepted: Callable[..., object]) -> None:
    accepted(**MQ, model_quality_max_runtime_in_seconds=1800)
    accepted(data_quality_schedule_expression="cron(0 3 ? * * *)", data_quality_max_runtime_in_seconds=86400)
    accepted(
        data_quality_schedule_expression="NOW",
        data_quality_data_analysis_start_time="-PT24H",
        data_quality_data_analysis_end_time="-PT0H",
    )


def test_runs_per_month_follow_the_interval() -> None:
    assert schedule.parse("cron(0 * ? * * *)").runs_per_month == 730
    assert schedule.parse("cron(0 0/6 ? * * *)").runs_per_month == pytest.approx(730 / 6)
    assert schedule.parse("cron(0 5 ? * * *)").runs_per_month == pytest.approx(730 / 24)
    assert schedule.parse("NOW").runs_per_month == 0
