"""People: their Slack profiles, who may see what, and the objects a button or form may name for them."""
