"""Configuration: typed settings, the Slack app manifest, seed data and reminder policy defaults."""

from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
