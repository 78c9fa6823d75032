"""Why each of the module's statements that names a wildcard resource cannot be narrower, and the reviewer's
answers to what the rule packs ask of its function (mlops_platform.compliance attaches them)."""

from __future__ import annotations

# Why each statement that names a wildcard resource cannot be narrower.
WILDCARD_REASONS = {
    "ReadCapturedData": "Reads the endpoint's captured data: every object under its capture prefix.",
    "ReadCapturedDataAnywhereInBucket": (
        "The endpoint's capture location could not be read at synth time (no credentials, and no "
        "data-capture-s3-uri given), so reads reach the whole model bucket; pass the endpoint's DataCaptureS3Uri "
        "as data-capture-s3-uri to narrow them to the capture prefix."
    ),
    "ReadBaselinesAndGroundTruth": "Reads the baseline files, ground truth and training data prefixes the jobs name.",
    "WriteMonitoringOutput": "Writes reports under each job's output prefix only.",
    "ListOwnPrefixes": "Lists the bucket under the prefixes the jobs read and write only (s3:prefix).",
    "AuthenticateToEcr": "ecr:GetAuthorizationToken supports no resource-level permissions.",
    "WriteProcessingJobLogs": (
        "SageMaker names each monitoring run's processing job (and so its log streams) when it starts the run; "
        "streams are written under /aws/sagemaker/ProcessingJobs only."
    ),
    "PublishMonitoringMetrics": (
        "cloudwatch:PutMetricData supports no resource-level permissions; limited to the four Model Monitor "
        "namespaces of endpoints (cloudwatch:namespace)."
    ),
    "CreateInterfacesInJobSubnets": (
        "SageMaker names the jobs' network interfaces at run time; creation is limited to the endpoint's subnets "
        "and security group, listed as resources."
    ),
    "ManageJobInterfaces": (
        "SageMaker names the jobs' network interfaces at run time; they are managed only in the subnets named "
        "(ec2:Subnet)."
    ),
    "DescribeNetwork": "EC2 Describe actions support no resource-level permissions; they are read-only.",
    "ClarifyShadowEndpoint": (
        "SageMaker Clarify names the shadow endpoint and configuration it creates for explanations at run time "
        "(sm-clarify-*); only those."
    ),
    "ClarifyShadowEndpointOfTheServedModel": (
        "SageMaker Clarify names the shadow endpoint configuration it creates at run time (sm-clarify-*); it may "
        "serve the endpoint's model only (sagemaker:ModelArn)."
    ),
    "ClarifyShadowEndpointOfAnyModel": (
        "The endpoint's model could not be read at synth time, so Clarify may build its shadow endpoint from any "
        "model of this account and region; synthesize with credentials to name the served model."
    ),
    "StartBaseliningJobs": "Processing jobs named with this module's baselining prefix only.",
    "WatchBaseliningJobs": "Describes processing jobs named with this module's baselining prefix only.",
}
FUNCTION_CONCURRENCY = (
    "Reserving concurrency fails in accounts at the default quota of 10 concurrent executions; CloudFormation "
    "invokes this function once per deployment."
)
FUNCTION_DEAD_LETTERS = (
    "CloudFormation invokes the function as a custom resource and waits for its answer; a failure fails the "
    "deployment with the reason, so a dead-letter queue would never be read."
)
FUNCTION_OUTSIDE_VPC = (
    "The function only starts and watches SageMaker processing jobs and looks for their output in S3 (TLS, "
    "IAM-signed requests to AWS APIs); it reads no data itself, and the jobs it starts run in the jobs' network."
)
