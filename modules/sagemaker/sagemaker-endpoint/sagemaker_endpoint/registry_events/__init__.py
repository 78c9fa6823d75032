"""Registry events: this account's default bus lets a registry in another account forward its approvals."""
