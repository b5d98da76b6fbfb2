"""Privacy (AVG/GDPR): what the bot holds about one person (export), erasing it, and the retention policy."""
