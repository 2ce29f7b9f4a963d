"""Holds: reserving a card's points for an online sale, and finding cards by number."""
