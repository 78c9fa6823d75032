"""The platform library every module shares: edited once here, bundled with each module (see README.md).

- `contract`: Seed-Farmer's side of a module: parameters, errors in our words, the deployment context, `main`.
- `assembly`: the CDK app, the `metadata` output, tags, permissions boundary and rule packs of every module.
- `retained`: the check for log groups an earlier deployment kept in the way of the next one.
- `control_tower`: AWS Control Tower's proactive controls, the rules that apply to a stack.
- `run_app`, `fast_node`: `python -m mlops_platform.run_app`, the deployspecs' `--app`, with the fast Node.js.
- `compliance`, `network`: rule-pack acknowledgements; the HTTPS-only security group.
- Constructs: `key.ModuleKey`, `log_group.EncryptedLogGroup`, `function.LeastPrivilegeFunction`,
  `topic.NotificationTopic`; `queue.SendTo` and `queue.allow_rules` for EventBridge deliveries to a queue.

Only the construct files (and compliance, network) import the CDK when imported.
"""
