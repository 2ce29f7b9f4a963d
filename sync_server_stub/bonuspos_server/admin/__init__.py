"""The `bonuspos-server` command and the office's own operations (corrections, conflicts)."""
