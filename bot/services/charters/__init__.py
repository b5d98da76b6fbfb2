"""Charters: signatories, their commitments and the yearly progress updates."""
