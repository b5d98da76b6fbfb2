"""Minutes of meetings: drafts, contributions, approval, search, action items, and what is owed for them."""
