"""Domain services: plain Python over a SQLAlchemy session. Nothing here knows about Slack."""
