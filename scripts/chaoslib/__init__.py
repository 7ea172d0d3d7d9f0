"""The chaos campaign behind scripts/chaos: see scripts/chaos and CONTRIBUTING.md."""
