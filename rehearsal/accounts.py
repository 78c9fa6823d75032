"""The accounts a deployment manifest spans, as Seed-Farmer maps them: each alias of `targetAccountMappings`
with its account id and regions, and the toolchain account that runs `seedfarmer apply`.

Seed-Farmer keeps a deployment's state in two places (seedfarmer 8.0.9, `mgmt/module_info.py` and
`commands/_deployment_commands.py`): the deployment manifest in the SSM parameters of the toolchain account,
and each module's manifest, deployspec, md5 digests and metadata in the SSM parameters of the module's own
target account, which the toolchain role reads and writes through that account's deployment role. A module
may therefore read the metadata of a module of another account (`valueFrom: moduleMetadata`): Seed-Farmer
fetches it through the producer's account. Nothing in the manifest names the toolchain account (it is the
account of the credentials `seedfarmer apply` runs with); the rehearsal takes the account of the default
mapping (`default: true`, else the first), the one `seedfarmer bootstrap toolchain --as-target` makes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TargetAccount:
    """One alias of `targetAccountMappings`: the account it names and the regions mapped for it."""

    alias: str
    account: str
    regions: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.alias} ({self.account})"


@dataclass(frozen=True)
class Accounts:
    """Every target of a deployment, in mapping order, and its toolchain account and region."""

    targets: tuple[TargetAccount, ...]
    toolchain: str
    toolchain_region: str

    @classmethod
    def of(cls, deployment: Any) -> Accounts:
        """The accounts of a loaded DeploymentManifest (its `valueFrom` account ids resolved)."""
        mappings = list(deployment.target_account_mappings or [])
        targets = tuple(
            TargetAccount(
                str(mapping.alias),
                str(mapping.actual_account_id),
                tuple(dict.fromkeys(str(region.region) for region in mapping.region_mappings)),
            )
            for mapping in mappings
        )
        default = next((mapping for mapping in mappings if mapping.default), mappings[0] if mappings else None)
        toolchain = str(default.actual_account_id) if default is not None else ""
        region = str(deployment.toolchain_region or (targets[0].regions[0] if targets else ""))
        return cls(targets, toolchain, region)

    @property
    def ids(self) -> list[str]:
        """Each account once, in mapping order (two aliases may name one account)."""
        return list(dict.fromkeys(target.account for target in self.targets))

    @property
    def several(self) -> bool:
        return len(self.ids) > 1

    def aliases(self, account: str) -> list[str]:
        return [target.alias for target in self.targets if target.account == account]

    def name(self, account: str) -> str:
        """`dev (222222222222)`: the account with the aliases that name it."""
        aliases = "/".join(self.aliases(account))
        return f"{aliases} ({account})" if aliases else account

    def prefixed(self, account: str, line: str) -> str:
        """`line`, naming its account when the deployment spans several."""
        return f"{self.name(account)}: {line}" if self.several else line

    def regions(self, account: str) -> list[str]:
        """Every region mapped for the account, under any of its aliases."""
        return list(
            dict.fromkeys(region for target in self.targets if target.account == account for region in target.regions)
        )

    def places(self) -> list[tuple[str, str]]:
        """(account, region) for every region of every account: each is bootstrapped and seeded."""
        return [(account, region) for account in self.ids for region in self.regions(account)]

    def alias_of(self, module: Any) -> str:
        return str(module.target_account)
