"""The size of the instance behind an `ml.` instance type: what an inference component's compute defaults to.

SageMaker publishes no API for the sizes of its instance types, botocore ships none, and no maintained
package holds them; a hand-typed table would go stale. A SageMaker instance type is the EC2 instance type of
the same name behind `ml.` (the SageMaker Python SDK reads GPU counts the same way), so the module asks EC2
(DescribeInstanceTypes) at synth time, in the target account and region: AWS maintains the answer.

With `managed-instance-scaling: true` and no `inference-component-memory-mb`, each copy of the model
reserves half the instance's memory and all its accelerators (GPUs, Inferentia or Trainium devices).
SageMaker documents how much of an instance a component may reserve only as "the instance's resources";
its own agents and the model server need some of it, so a copy that reserved all the memory might never
be placed. Half leaves them room and fits at most two copies on a CPU instance, one on an accelerated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.aws_reads import read_error
from mlops_platform.contract import ParameterError

PURPOSE = "to size each copy of the inference component, which inference-component-memory-mb does not"


@dataclass(frozen=True)
class InstanceSize:
    """What EC2 says of the instance behind an `ml.` instance type."""

    instance_type: str  # the SageMaker name, ml.g5.xlarge
    memory_mib: int
    vcpus: int
    accelerators: int  # GPUs, Inferentia or Trainium devices; 0 for a CPU instance

    @property
    def copy_memory_mb(self) -> int:
        """The memory each copy reserves by default: half the instance's (SageMaker's minimum is 128)."""
        return max(128, self.memory_mib // 2)

    def describe(self) -> str:
        """How the default was made, for the plan: `ml.g5.xlarge has 16384 MiB, 4 vCPUs, 1 accelerator(s) (EC2)`."""
        return (
            f"defaulted from {self.instance_type} ({self.memory_mib} MiB, {self.vcpus} vCPUs, {self.accelerators} "
            f"accelerator(s), as EC2 DescribeInstanceTypes gives {self.instance_type.removeprefix('ml.')}): half its "
            "memory" + (" and all its accelerators" if self.accelerators else "") + " per copy"
        )


def instance_size(ec2: Any, instance_type: str) -> InstanceSize:
    """The size of `instance_type` (ml.<family>.<size>) from EC2 in the client's region."""
    name = instance_type.removeprefix("ml.")
    try:
        found = ec2.describe_instance_types(InstanceTypes=[name])["InstanceTypes"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidInstanceType":
            found = []
        else:
            raise read_error(error, "ec2:DescribeInstanceTypes", f"instance type {name}", PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, "ec2:DescribeInstanceTypes", f"instance type {name}", PURPOSE) from None
    if not found:
        raise ParameterError(
            f"parameter 'instance-type': EC2 knows no instance type {name} in this region, so the size of "
            f"{instance_type} is unknown; give 'inference-component-memory-mb' (and, on accelerated instances, "
            "'inference-component-accelerators')"
        )
    described = found[0]
    # EC2 lists an Inferentia device both as a Neuron device and as an inference accelerator: count one kind.
    kinds = (("GpuInfo", "Gpus"), ("NeuronInfo", "NeuronDevices"), ("InferenceAcceleratorInfo", "Accelerators"))
    counts = [sum(int(d.get("Count", 0)) for d in described.get(info, {}).get(key, [])) for info, key in kinds]
    return InstanceSize(
        instance_type=instance_type,
        memory_mib=int(described["MemoryInfo"]["SizeInMiB"]),
        vcpus=int(described["VCpuInfo"]["DefaultVCpus"]),
        accelerators=next((count for count in counts if count), 0),
    )
