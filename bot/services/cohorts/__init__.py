"""Cohort programmes: yearly cohorts, their participants, sessions, materials, milestones and check-ins."""
