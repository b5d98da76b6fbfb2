"""Domain services: plain Python over a SQLAlchemy session. Nothing here knows about Slack.

A subpackage per domain (covenants, plans, meetings, minutes, administration, people, imports); what every domain
uses stays here: errors a user can cause, event de-duplication, locking, leases, change fingerprints, the reminder
policy and working days.
"""
