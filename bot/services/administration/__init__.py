"""The secretariat's own work: its audited changes, the audit trail, seed data, CSV exports."""
