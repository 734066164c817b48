"""The ``info_gatherer`` skill: ask a list of questions one at a time and keep the answers."""
