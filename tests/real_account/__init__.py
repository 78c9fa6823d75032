"""Offline checks of what the emulator cannot judge: IAM against the Service Authorization Reference,
service contracts evaluated against the synthesized policies, CloudFormation lifecycle rules."""
