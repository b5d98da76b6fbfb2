"""Working groups and their meetings: scheduling, series and sittings, changes, answers, reminders, calendar feeds."""
