"""covenant-bot: a Slack bot for the people who run and take part in IMVO/RBC covenants."""

__version__ = "0.1.0"
