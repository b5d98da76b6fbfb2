"""Collective projects run by a covenant's secretariat: parties, lead, milestones, updates, linked group."""
