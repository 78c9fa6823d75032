"""Where the endpoint runs: its VPC, subnets and security group, and network isolation."""
