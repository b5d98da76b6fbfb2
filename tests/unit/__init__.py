"""Tests of services, parsers and rendering on a real database, without the Slack app."""
