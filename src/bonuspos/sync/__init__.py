"""Talking to the central server: outbox drain, changes pull, holds."""
