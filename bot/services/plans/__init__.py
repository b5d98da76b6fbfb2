"""Action plans (plan van aanpak) and their deadlines: who is reminded, what reminders are owed, the digests."""
