"""Talking to the central server (issue 4): outbox drain, changes pull, holds."""
