"""The console adapter: the whole app in a terminal, no Slack workspace needed."""
